import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LineFile } from '../src/io/index.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function fresh(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tapline-linefile-'));
  dirs.push(dir);
  return dir;
}

const lines = async (file: string) => (await readFile(file, 'utf8')).split('\n').filter(Boolean);

describe('LineFile', () => {
  it('answers every line of a turn with one shared promise, settled once the line is in the file', async () => {
    const file = path.join(await fresh(), 'sub', 'a.ndjson');
    const f = new LineFile(file);
    await f.open();
    const a = f.append('{"n":1}');
    const b = f.append('{"n":2}');
    expect(a).toBe(b); // one batch, one write
    await a;
    expect(await lines(file)).toEqual(['{"n":1}', '{"n":2}']);
    expect(f.written).toBe(2);
    await f.append('{"n":3}');
    expect(await lines(file)).toHaveLength(3);
    await f.close();
    await f.close();
    await expect(f.append('{"late":true}')).rejects.toThrow(/closed/);
  });

  it('writes lines taken during a write in the next one, in order', async () => {
    const file = path.join(await fresh(), 'b.ndjson');
    const f = new LineFile(file);
    await f.open();
    const waits: Promise<void>[] = [];
    for (let i = 0; i < 2000; i++) {
      waits.push(f.append(`{"i":${i}}`));
      if (i % 100 === 0) await new Promise((r) => setImmediate(r));
    }
    await Promise.all(waits);
    await f.close();
    expect(await lines(file)).toEqual(Array.from({ length: 2000 }, (_, i) => `{"i":${i}}`));
  });

  it("writes every byte of batches of any size, multi-byte characters across its buffer's end included", async () => {
    const dir = await fresh();
    // A first batch of 61 bytes sizes the buffer the file keeps at 128 bytes. The second ends 3
    // bytes short of it to 4 past it, its last character 1 to 4 bytes long: it fits, or its
    // encoding stops short of the end and the buffer must grow. Then one past the largest buffer
    // kept (1 MiB), and a small one again.
    const cases: string[][] = [];
    for (const char of ['a', 'é', '€', '😀'])
      for (let total = 125; total <= 132; total++)
        cases.push(['x'.repeat(60), 'a'.repeat(total - 1 - Buffer.byteLength(char)) + char, 'small']);
    cases.push(['x'.repeat(60), '€'.repeat(400_000), 'small']);
    for (const [i, sent] of cases.entries()) {
      const file = path.join(dir, `${i}.ndjson`);
      const f = new LineFile(file);
      await f.open();
      for (const line of sent) await f.append(line);
      await f.close();
      expect(await lines(file), sent[1]!.slice(-8)).toEqual(sent);
    }
  });

  it('writes a batch again to a new file when its file was deleted under it', async () => {
    const dir = await fresh();
    const file = path.join(dir, 'out', 'c.ndjson');
    const f = new LineFile(file);
    await f.open();
    await f.append('before');
    await rm(path.join(dir, 'out'), { recursive: true });
    await f.append('after');
    await f.close();
    expect(await lines(file)).toEqual(['after']);
  });

  it('goes on in a new file once its file was moved away, and on reopen()', async () => {
    const dir = await fresh();
    const file = path.join(dir, 'd.ndjson');
    const f = new LineFile(file);
    await f.open();
    await f.append('one');
    await rename(file, `${file}.1`);
    await f.append('two');
    f.reopen();
    await rename(file, `${file}.2`);
    await f.append('three');
    await f.close();
    expect(await lines(`${file}.1`)).toEqual(['one']);
    expect(await lines(`${file}.2`)).toEqual(['two']);
    expect(await lines(file)).toEqual(['three']);
  });

  it('rejects the lines of a write that keeps failing with the error errorFor makes, and counts them', async () => {
    const dir = await fresh();
    const file = path.join(dir, 'e.ndjson');
    const f = new LineFile(file, {
      retry: { retries: 2, retryDelayMs: 1, retryMaxDelayMs: 2 },
      errorFor: (err) => new Error(`wrapped: ${(err as Error).message}`),
    });
    await f.open();
    await rm(file);
    await mkdir(file); // the path is a folder now: the file cannot be opened there again
    await expect(f.append('x')).rejects.toThrow(/^wrapped: .*EISDIR/);
    expect([f.written, f.failed]).toEqual([0, 1]);
    await f.close();
  });
});
