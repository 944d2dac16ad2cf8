import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { StdoutTarget } from '../src/index.js';

/** A stream that takes one chunk at a time, slowly, with a tiny buffer: it pushes back at once. */
function slowStream(chunks: string[]) {
  return new Writable({
    highWaterMark: 16,
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      setTimeout(done, 2);
    },
  });
}

describe('exporter stdout target', () => {
  it('batches lines per event-loop turn and waits while the stream pushes back', async () => {
    const chunks: string[] = [];
    const target = new StdoutTarget(slowStream(chunks));
    await target.open();
    let pushedBack = 0;
    for (let round = 0; round < 20; round++) {
      const waits: Array<void | Promise<void>> = [];
      for (let i = 0; i < 10; i++) waits.push(target.write(JSON.stringify({ round, i })));
      for (const w of waits) if (w !== undefined) pushedBack++;
      await Promise.all(waits);
      await new Promise((r) => setImmediate(r));
    }
    await target.close();
    const lines = chunks.join('').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.length).toBe(200);
    expect(lines.map((l) => JSON.parse(l) as unknown)[199]).toEqual({ round: 19, i: 9 });
    expect(chunks.length).toBeLessThan(200); // several lines per write
    expect(pushedBack).toBeGreaterThan(0);
  });

  it('writes NDJSON to a real process stdout and flushes it all at shutdown', async () => {
    const script = fileURLToPath(new URL('./stdout-child.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, '3000'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const code = await new Promise((r) => child.on('close', r));
    expect(code).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines.length).toBe(3000);
    expect(JSON.parse(lines[2999]!)).toEqual({ i: 2999 });
  }, 30_000);
});
