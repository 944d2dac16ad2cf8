import { readFile } from 'node:fs/promises';
import { freePort, getJson, eventually, type RunningPipeline } from '../cli-helpers.js';
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

/** Resolves once `n` messages were received and none is in flight; returns the metrics. */
export function settled(run: RunningPipeline, n: number, timeoutMs = 30_000): Promise<any> {
  return eventually(async () => {
    const m = await getJson(run.url, '/api/metrics');
    return m.accounting.received === n && m.accounting.inFlight === 0 ? m : undefined;
  }, timeoutMs);
}

/**
 * The lines of an NDJSON file, each parsed: a torn or otherwise broken line fails the test.
 * A file that does not exist has none.
 */
export async function wholeLines(file: string): Promise<any[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return [];
    throw err;
  }
  if (text !== '' && !text.endsWith('\n')) throw new Error(`${file} ends with a torn line`);
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l) as unknown;
      } catch {
        throw new Error(`${file}:${i + 1} is not a whole JSON line: ${l.slice(0, 80)}`);
      }
    });
}

/** A Prometheus sample's value from `/metrics` text, or undefined. */
export function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}
