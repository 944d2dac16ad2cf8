// A benchmark's child process. The exit promise is made when the child is spawned, never later:
// a short-lived child can exit before the harness gets round to waiting, and an `'exit'`
// listener attached after that waits forever (Node, with nothing else pending, then quits with
// code 13 and no output). Every wait has a deadline and fails with a message naming the child.
import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Spawns `node ...args`. `next(predicate, what, timeoutMs)` resolves with the next stdout line
 * that matches; `exit(timeoutMs)` with the exit code. Standard error goes to ours.
 */
export function startChild(
  args,
  { cwd, env, name = basename(args.find((a) => !a.startsWith('-')) ?? 'node') } = {},
) {
  const child = spawn(process.execPath, args, {
    cwd,
    env: env === undefined ? undefined : { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (err) => resolve({ code: null, signal: null, err }));
  });
  const lines = [];
  let wake = () => {};
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line);
    wake();
  });
  // No more lines come once the child has exited and its stdout has closed ('close'), not at
  // 'exit': a line written just before the exit can still be in the pipe when 'exit' fires.
  let ended = false;
  const end = () => {
    ended = true;
    wake();
  };
  child.once('close', end);
  child.once('error', end);

  async function next(predicate = () => true, what = 'a line', timeoutMs = 120_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = lines.findIndex(predicate);
      if (i >= 0) return lines.splice(0, i + 1).pop();
      if (ended) {
        const { code, signal, err } = await exited;
        throw new Error(
          `${name} exited (${err?.message ?? signal ?? `code ${code}`}) before printing ${what}`,
        );
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        child.kill('SIGKILL');
        throw new Error(`${name} printed no ${what} within ${timeoutMs / 1000} s; it was killed`);
      }
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  async function exit(timeoutMs = 60_000) {
    let timer;
    const late = new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs, 'late')));
    const result = await Promise.race([exited, late]);
    clearTimeout(timer);
    if (result === 'late') {
      child.kill('SIGKILL');
      throw new Error(`${name} did not exit within ${timeoutMs / 1000} s; it was killed`);
    }
    if (result.err) throw new Error(`${name} could not run: ${result.err.message}`);
    return result.code ?? result.signal;
  }

  /** Kills the child if it still runs; for cleanup after a failure. */
  const kill = () => {
    if (!ended) child.kill('SIGKILL');
  };
  return { child, next, exit, kill, exited };
}
