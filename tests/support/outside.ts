import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { eventually } from '@tapline/testkit';
import { Pull, Push } from 'zeromq';
import { repo } from '../cli-helpers.js';

/**
 * What a user outside the repository has: the environment without what pnpm and vitest add
 * (npm_config_*, VITEST_*), so that npm, npx and a nested vitest behave as in a plain shell.
 */
export function userEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^(npm_|VITEST|PNPM_|NODE_OPTIONS$|INIT_CWD$)/i.test(k) && k !== 'TEST' && k !== 'NODE_ENV',
    ),
  );
  return {
    ...env,
    NO_COLOR: '1',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
  };
}

/** Temp folders outside the repository, and the processes started in them, removed and killed at `cleanup()`. */
export class Outside {
  private readonly dirs: string[] = [];
  private readonly children = new Set<ChildProcess>();

  async dir(prefix: string): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), prefix));
    if (!path.relative(repo, dir).startsWith('..')) throw new Error(`${dir} is inside the repository`);
    this.dirs.push(dir);
    return dir;
  }

  /** Runs a command to its end; never rejects. */
  exec(
    cmd: string,
    args: string[],
    cwd: string,
    env?: NodeJS.ProcessEnv,
  ): Promise<{ code: number | null; output: string }> {
    const child = this.spawn(cmd, args, cwd, env);
    let output = '';
    child.stdout!.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString('utf8')));
    return new Promise((resolve) => {
      child.on('error', (err) => resolve({ code: -1, output: `${output}${err.message}` }));
      child.on('close', (code) => resolve({ code, output }));
    });
  }

  /** `npx tapline run` (or any command printing tapline's JSON logs) until "pipeline started". */
  async startRun(cmd: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv) {
    const child = this.spawn(cmd, args, cwd, env);
    const logs: Array<Record<string, any>> = [];
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (!line.startsWith('{')) return;
        const entry = JSON.parse(line) as Record<string, any>;
        logs.push(entry);
        if (entry.msg === 'pipeline started') resolve();
      });
      void exit.then((code) => reject(new Error(`tapline run exited (${code}) before starting:\n${stderr}`)));
    });
    const url = logs.find((e) => typeof e.url === 'string')?.url as string | undefined;
    return { child, logs, exit, url, stderr: () => stderr };
  }

  /**
   * Signals the child's whole process group, as a terminal's Ctrl-C does: `npx` passes no signal
   * on to the command it runs.
   */
  signal(child: ChildProcess, signal: NodeJS.Signals): void {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  }

  async cleanup(): Promise<void> {
    for (const child of this.children) this.signal(child, 'SIGKILL');
    await Promise.all(this.dirs.map((d) => rm(d, { recursive: true, force: true })));
  }

  private spawn(cmd: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): ChildProcess {
    // Its own process group, so that signal() reaches what npx starts.
    const child = spawn(cmd, args, { cwd, env: { ...userEnv(), ...env }, detached: true });
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    return child;
  }
}

/** A ZeroMQ address free a moment ago: bound on `:*` by a socket that is closed at once. */
export async function freeZmqAddress(): Promise<string> {
  const probe = new Pull({ linger: 0 });
  await probe.bind('tcp://127.0.0.1:*');
  const address = probe.lastEndpoint!;
  probe.close();
  return address;
}

/** Sends each value as one JSON message to a PULL socket bound at `address`. */
export async function sendJson(address: string, values: unknown[]): Promise<void> {
  const push = new Push({ linger: 2000, sendTimeout: 5000 });
  push.connect(address);
  try {
    for (const v of values) await push.send(JSON.stringify(v));
  } finally {
    push.close();
  }
}

/** The NDJSON lines of `file` once there are `count` of them (a line being written is not one yet). */
export function readRecords(file: string, count: number, timeoutMs = 15_000): Promise<any[]> {
  return eventually(
    async () => {
      const lines = (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean);
      return lines.length >= count ? lines.map((l) => JSON.parse(l)) : undefined;
    },
    { timeoutMs, what: `${count} records in ${file}` },
  );
}
