import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { eventually } from '@tapline/testkit';

export const repo = fileURLToPath(new URL('..', import.meta.url));
export const bin = path.join(repo, 'packages/cli/dist/bin.js');

/** The built entry of a workspace plugin, for configs that live outside the workspace. */
export const pluginPath = (name: string) => path.join(repo, 'plugins', name, 'dist/index.js');

/** A TCP port that was free a moment ago (a zeromq source cannot bind `:*` from a config). */
export { freePort } from '../bench/lib/free-port.mjs';

/** A temp directory (with a package.json, so a config search stops there) holding `config`. */
export async function writeTempConfig(config: unknown): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tapline-cli-'));
  await writeFile(path.join(dir, 'package.json'), '{"name":"tapline-cli-test","private":true}\n');
  const file = path.join(dir, 'pipeline.config.json');
  await writeFile(file, typeof config === 'string' ? config : JSON.stringify(config, null, 2) + '\n');
  return { dir, file };
}

export interface TestStep {
  id: string;
  plugin: string;
  options: Record<string, unknown>;
}

/** zmq-source → processor → exporter (file), on `address`, with the HTTP API on a free port. */
export function defaultPipeline(address: string, extra: Record<string, unknown> = {}) {
  const pipeline: TestStep[] = [
    { id: 'ingest', plugin: pluginPath('zmq-source'), options: { address } },
    {
      id: 'enrich',
      plugin: pluginPath('processor'),
      options: { steps: [{ type: 'set', field: 'pipeline', value: 'cli-test' }] },
    },
    {
      id: 'export',
      plugin: pluginPath('exporter'),
      options: { targets: [{ type: 'file', path: 'out.ndjson' }] },
    },
  ];
  return {
    pipeline,
    deadLetter: { path: 'dead-letters.ndjson' },
    monitor: { http: { host: '127.0.0.1', port: 0 } },
    ...extra,
  };
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Runs `tapline ARGS` to the end. */
export function tapline(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: options.cwd ?? repo,
    env: { ...process.env, ...options.env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  return new Promise<Exit & { stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
}

/** A `tapline run` child: its parsed JSON log lines, its dashboard URL, and its exit. */
export interface RunningPipeline {
  readonly child: ChildProcess;
  readonly logs: Array<Record<string, any>>;
  readonly url: string;
  readonly exit: Promise<Exit>;
  stderr(): string;
}

/** Every `tapline run` child startRun spawned that has not exited yet. */
const running = new Set<ChildProcess>();

/** Kills every `tapline run` child still alive, started or not: for cleanup when set-up failed. */
export function killRunning(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** Spawns `tapline run --config FILE` and waits for the pipeline to start. */
export async function startRun(
  file: string,
  args: string[] = [],
  /** A command that runs the process (`sh -c 'ulimit …; exec "$0" "$@"'`, say). */
  prefix: string[] = [],
): Promise<RunningPipeline> {
  const argv = [...prefix, process.execPath, bin, 'run', '--config', file, ...args];
  const child = spawn(argv[0]!, argv.slice(1), { cwd: path.dirname(file) });
  running.add(child);
  child.on('exit', () => running.delete(child));
  const logs: Array<Record<string, any>> = [];
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const exit = new Promise<Exit>((resolve) =>
    child.on('close', (code, signal) => {
      // Tests stop a run with SIGTERM, which it handles, or kill it with SIGKILL: any other signal
      // is a crash, and what it printed is the only trace of it.
      if (signal !== null && signal !== 'SIGKILL') {
        const last = logs.slice(-5).map((entry) => JSON.stringify(entry));
        console.error(
          `tapline run (pid ${child.pid}) ended by ${signal}\nstderr:\n${stderr}\nlast log lines:\n${last.join('\n')}`,
        );
      }
      resolve({ code, signal });
    }),
  );
  let url: string | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout }).on('line', (line) => {
        const entry = JSON.parse(line) as Record<string, any>;
        logs.push(entry);
        if (typeof entry.port === 'number' && entry.msg.startsWith('dashboard')) url = entry.url;
        if (entry.msg === 'pipeline started') resolve();
      });
      void exit.then((e) =>
        reject(new Error(`tapline run exited (${e.code ?? e.signal}) before starting:\n${stderr}`)),
      );
    });
    if (url === undefined) throw new Error('tapline run did not log its monitoring address');
  } catch (err) {
    // The caller never gets the child back to stop it.
    child.kill('SIGKILL');
    throw err;
  }
  return { child, logs, url, exit, stderr: () => stderr };
}

export async function getJson(url: string, pathname: string): Promise<any> {
  const res = await fetch(new URL(pathname, url));
  return res.json();
}

/** Resolves once `n` messages were received and none is in flight; returns `/api/metrics`. */
export function settled(run: { url: string }, n: number, timeoutMs = 30_000): Promise<any> {
  return eventually(
    async () => {
      const m = await getJson(run.url, '/api/metrics');
      return m.accounting.received === n && m.accounting.inFlight === 0 ? m : undefined;
    },
    { timeoutMs, what: `${n} messages received and settled` },
  );
}
