import type { ChildProcess } from 'node:child_process';

export interface BenchChild {
  child: ChildProcess;
  next(predicate?: (line: string) => boolean, what?: string, timeoutMs?: number): Promise<string>;
  exit(timeoutMs?: number): Promise<number | string | null>;
  kill(): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; err?: Error }>;
}

/** Spawns `node ...args` (see child.mjs). */
export function startChild(
  args: string[],
  options?: { cwd?: string; env?: Record<string, string>; name?: string },
): BenchChild;
