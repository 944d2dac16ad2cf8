import { afterEach, describe, expect, it } from 'vitest';
import { startChild, type BenchChild } from '../bench/lib/child.mjs';

const started: BenchChild[] = [];
afterEach(() => {
  for (const c of started.splice(0)) c.kill();
});

describe("bench/lib/child.mjs, a benchmark's child process", () => {
  it('hands out a line that reaches its stdout after the child has exited', async () => {
    // The child exits at once; a grandchild that shares its stdout writes the line 300 ms later.
    // 'exit' comes first, so the harness must keep reading until stdout closes.
    const grandchild = `setTimeout(() => process.stdout.write('{"result":1}\\n'), 300)`;
    const script = `require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(grandchild)}], { stdio: ['ignore', 'inherit', 'inherit'] }).unref()`;
    const c = startChild(['-e', script], { name: 'early exit' });
    started.push(c);
    expect((await c.exited).code).toBe(0);
    expect(await c.next((l) => l.startsWith('{'), 'its result', 10_000)).toBe('{"result":1}');
  });

  it('says the child ended without the line once its stdout has closed', async () => {
    const c = startChild(['-e', `process.stdout.write('other\\n')`], { name: 'quiet child' });
    started.push(c);
    await expect(c.next((l) => l.startsWith('{'), 'its result', 10_000)).rejects.toThrow(
      'quiet child exited (code 0) before printing its result',
    );
  });
});
