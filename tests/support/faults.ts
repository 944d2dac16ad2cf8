import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { freePort, repo } from '../cli-helpers.js';
import type { PipelineConfig } from './e2e-pipeline.js';

/** A record of about 235 bytes that carries its sequence number. */
export function record(seq: number): string {
  return JSON.stringify({ seq, service: 'checkout', note: 'x'.repeat(190) });
}

/** zmq-source → exporter (file at `out`), dead letters at `dead`, on a free port. */
export async function faultPipeline(
  out: string,
  dead: string | false,
  exporter: Record<string, unknown> = {},
  rest: Partial<PipelineConfig> = {},
): Promise<{ config: PipelineConfig; address: string }> {
  const address = `tcp://127.0.0.1:${await freePort()}`;
  const config: PipelineConfig = {
    pipeline: [
      { id: 'ingest', plugin: '@tapline/plugin-zmq-source', options: { address } },
      {
        id: 'export',
        plugin: '@tapline/plugin-exporter',
        options: { targets: [{ type: 'file', path: out }], retries: 1, retryDelayMs: 10, ...exporter },
      },
    ],
    deadLetter: dead === false ? false : { path: dead },
    monitor: { http: { host: '127.0.0.1', port: 0 } },
    ...rest,
  };
  return { config, address };
}

/** Folders made by {@link workDir}; remove them with {@link removeWorkDirs} after each test. */
const workDirs: string[] = [];

/** A fresh folder inside the repository (so configs there can name the workspace plugins). */
export async function workDir(): Promise<string> {
  const dir = path.join(repo, 'tests/.tmp', `faults-${process.pid}-${Math.random().toString(36).slice(2)}`);
  await mkdir(dir, { recursive: true });
  workDirs.push(dir);
  return dir;
}

export async function removeWorkDirs(): Promise<void> {
  for (const d of workDirs.splice(0)) await rm(d, { recursive: true, force: true });
}

export const range = (from: number, to: number): number[] =>
  Array.from({ length: to - from }, (_, i) => from + i);

/** A Prometheus sample's value from `/metrics` text, or undefined. */
export function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}
