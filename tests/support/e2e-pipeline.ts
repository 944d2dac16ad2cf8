import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readNdjson as readNdjsonLines } from '@tapline/testkit';
import { Push } from 'zeromq';
import { freePort, repo, startRun, type RunningPipeline } from '../cli-helpers.js';

/**
 * Temp pipelines live inside the repository (tests/.tmp, ignored by git) so that a config can
 * name the workspace plugins by package (`@tapline/plugin-processor`) exactly as the default
 * config does, and a fixture plugin by a path relative to the config.
 */
const tmpRoot = path.join(repo, 'tests/.tmp');

export interface PipelineStep {
  id: string;
  plugin: string;
  enabled?: boolean;
  options?: Record<string, any>;
}

export interface PipelineConfig {
  pipeline: PipelineStep[];
  runtime?: { maxInFlight?: number; shutdownTimeoutMs?: number };
  deadLetter?: { path: string } | false;
  [key: string]: unknown;
  monitor?: { durationsWindow?: number; http: { host: string; port: number } | false };
  log?: { level: string };
}

/**
 * A copy of the repository's pipeline.config.json bound to a free TCP port, with the monitoring
 * API on a port the OS picks. Paths stay as they are (out/…), relative to the copy's directory.
 */
export async function defaultConfig(): Promise<{ config: PipelineConfig; address: string }> {
  const text = await readFile(path.join(repo, 'pipeline.config.json'), 'utf8');
  const config = JSON.parse(text) as PipelineConfig & { $schema?: string };
  delete config.$schema;
  const address = `tcp://127.0.0.1:${await freePort()}`;
  stepOf(config, 'ingest').options!.address = address;
  config.monitor = { ...config.monitor, http: { host: '127.0.0.1', port: 0 } };
  return { config, address };
}

/** The step of `config` with id `id`. */
export function stepOf(config: PipelineConfig, id: string): PipelineStep {
  const step = config.pipeline.find((s) => s.id === id);
  if (step === undefined) throw new Error(`no step "${id}" in the config`);
  return step;
}

/** Starts `tapline run` processes and kills whatever is still running at `cleanup()`. */
export class Pipelines {
  private readonly runs: RunningPipeline[] = [];
  private readonly dirs: string[] = [];

  /** Writes `config` into a fresh temp dir and runs it; resolves once the pipeline started. */
  async start(
    config: PipelineConfig,
    options: { dir?: string; prefix?: string[]; args?: string[] } = {},
  ): Promise<RunningPipeline & { dir: string; file: string }> {
    await mkdir(tmpRoot, { recursive: true });
    const dir = options.dir ?? (await mkdtemp(path.join(tmpRoot, 'e2e-')));
    if (options.dir === undefined) this.dirs.push(dir);
    const file = path.join(dir, 'pipeline.config.json');
    await writeFile(file, JSON.stringify(config, null, 2) + '\n');
    const run = await startRun(file, options.args ?? [], options.prefix);
    this.runs.push(run);
    return { ...run, dir, file };
  }

  async cleanup(): Promise<void> {
    for (const run of this.runs.splice(0)) {
      if (run.child.exitCode === null && run.child.signalCode === null) {
        run.child.kill('SIGKILL');
        await run.exit;
      }
    }
    for (const dir of this.dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  }
}

/** A PUSH socket connected to a pipeline's PULL source. Close it with `close()`. */
export function pusher(address: string, options: ConstructorParameters<typeof Push>[0] = {}): Push {
  const push = new Push({ linger: 1000, ...options });
  push.connect(address);
  return push;
}

/** Sends each payload as one single-frame message, one awaited send at a time. */
export async function sendAll(push: Push, payloads: Iterable<string | Buffer>): Promise<number> {
  let sent = 0;
  for (const payload of payloads) {
    await push.send(payload);
    sent++;
  }
  return sent;
}

/** The parsed lines of an NDJSON file (the testkit's): a torn or broken line fails the test. */
export const readNdjson = (file: string): Promise<any[]> => readNdjsonLines(file) as Promise<any[]>;

/** The one accounting line `tapline run` logs after stopping. */
export function accountingLine(run: RunningPipeline): Record<string, any> {
  const lines = run.logs.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('accounting:'));
  if (lines.length !== 1) {
    // Say how the run ended and what it said last: a run that died without its books is the finding.
    const { exitCode, signalCode } = run.child;
    const last = run.logs.slice(-5).map((l) => JSON.stringify(l));
    throw new Error(
      `expected one accounting line, found ${lines.length} (exit code ${exitCode}, signal ${signalCode});\n` +
        `last log lines:\n${last.join('\n')}\nstderr:\n${run.stderr().slice(-4000)}`,
    );
  }
  return lines[0]!;
}

/** Peak resident set size of a live process, in MiB (Linux: VmHWM in /proc/<pid>/status). */
export async function peakRssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmHWM for process ${pid}`);
  return Number(kib) / 1024;
}
