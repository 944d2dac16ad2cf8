import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExporterDomain, type ExporterOptions } from '../src/index.js';
import { context, tempDir } from './helpers.js';
import { recordDomain, readNdjson } from '@tapline/testkit';

type FileOptions = Partial<Extract<ExporterOptions['targets'][number], { type: 'file' }>>;

function exporter(dir: string, file: FileOptions = {}, retry: Partial<ExporterOptions> = {}) {
  const targets = [
    {
      type: 'file' as const,
      path: 'out/records.ndjson',
      flushIntervalMs: 0,
      flushBytes: 65536,
      rotateKeep: 5,
      ...file,
    },
  ];
  return new ExporterDomain(
    { targets, retries: 3, retryDelayMs: 1, retryMaxDelayMs: 10, ...retry },
    { id: 'export', configDir: dir },
  );
}

describe('exporter file target', () => {
  it('holds every acknowledged record after shutdown, under the config dir, in order', async () => {
    const dir = await tempDir();
    const d = exporter(dir);
    const {
      outputs,
      events: { error: errors },
    } = recordDomain(d);
    await d.initialize();
    const n = 5000;
    for (let i = 0; i < n; i++) await d.handle({ i, text: 'héllo ✓ 🚀' }, context());
    await d.shutdown();
    expect(errors).toEqual([]);
    expect(outputs.length).toBe(n);
    const lines = await readNdjson(join(dir, 'out/records.ndjson'));
    expect(lines).toEqual(Array.from({ length: n }, (_, i) => ({ i, text: 'héllo ✓ 🚀' })));
  });

  it('returns one frozen receipt for every message', async () => {
    const dir = await tempDir();
    const d = exporter(dir);
    await d.initialize();
    const a = await d.execute({ a: 1 });
    const b = await d.execute('text is JSON too');
    expect(a).toBe(b);
    expect(a).toEqual({ delivered: 1, targets: ['file'] });
    expect(Object.isFrozen(a)).toBe(true);
    await d.shutdown();
    expect(await readNdjson(join(dir, 'out/records.ndjson'))).toEqual([{ a: 1 }, 'text is JSON too']);
  });

  it('stamps records with the export time in timestampField, and leaves other values alone', async () => {
    const dir = await tempDir();
    const d = exporter(dir, {}, { timestampField: 'exportedAt' });
    await d.initialize();
    const before = Date.now();
    await d.handle({ id: 1 }, context());
    await d.handle([1, 2], context());
    await d.handle('text', context());
    const after = Date.now() + 1;
    await d.shutdown();
    const [record, array, text] = (await readNdjson(join(dir, 'out/records.ndjson'))) as [
      { id: number; exportedAt: number },
      unknown,
      unknown,
    ];
    expect(record.id).toBe(1);
    expect(record.exportedAt).toBeGreaterThanOrEqual(before - 1);
    expect(record.exportedAt).toBeLessThanOrEqual(after);
    expect([array, text]).toEqual([[1, 2], 'text']);
  });

  it('writes once flushBytes are buffered, before any shutdown', async () => {
    const dir = await tempDir();
    const d = exporter(dir, { flushBytes: 100, flushIntervalMs: 60_000 });
    await d.initialize();
    for (let i = 0; i < 20; i++) void d.execute({ i });
    const path = join(dir, 'out/records.ndjson');
    await expect.poll(async () => (await stat(path)).size).toBeGreaterThan(100);
    await d.shutdown();
    expect((await readNdjson(path)).length).toBe(20);
  });

  it('writes every flushIntervalMs while traffic is light', async () => {
    const dir = await tempDir();
    const d = exporter(dir, { flushIntervalMs: 20 });
    await d.initialize();
    void d.execute({ only: 1 });
    const path = join(dir, 'out/records.ndjson');
    await expect.poll(async () => (await stat(path)).size).toBe('{"only":1}\n'.length);
    await d.shutdown();
  });

  it('rotates by size into path.1 … path.N, whole lines only, keeping N', async () => {
    const dir = await tempDir();
    const d = exporter(dir, { path: 'r.ndjson', flushBytes: 64, rotateBytes: 200, rotateKeep: 3 });
    await d.initialize();
    const n = 300;
    for (let i = 0; i < n; i++) void d.execute({ i, pad: 'xxxxxxxxxx' });
    await d.shutdown();
    const names = (await readdir(dir)).sort();
    expect(names).toEqual(['r.ndjson', 'r.ndjson.1', 'r.ndjson.2', 'r.ndjson.3']);
    const seen: number[] = [];
    for (const name of ['r.ndjson.3', 'r.ndjson.2', 'r.ndjson.1', 'r.ndjson']) {
      expect((await stat(join(dir, name))).size).toBeLessThanOrEqual(200);
      seen.push(...((await readNdjson(join(dir, name))) as Array<{ i: number }>).map((r) => r.i));
    }
    // The newest records, contiguous and in order, ending with the last one.
    expect(seen).toEqual(Array.from({ length: seen.length }, (_, k) => n - seen.length + k));
  });

  it('fails the records of a write that keeps failing, and completes only what is in the file', async () => {
    const dir = await tempDir();
    // Rotation must remove path.1; a non-empty directory there makes every rotation fail.
    await mkdir(join(dir, 'f.ndjson.1'));
    await writeFile(join(dir, 'f.ndjson.1', 'keep'), 'x');
    const d = exporter(dir, { path: 'f.ndjson', rotateBytes: 30, rotateKeep: 1 }, { retries: 2 });
    const {
      outputs,
      events: { error: errors },
    } = recordDomain(d);
    await d.initialize();
    for (let i = 0; i < 5; i++) await d.handle({ i, pad: 'yyyyyyyy' }, context());
    expect(outputs.length).toBe(1); // the first line fits the file; every later one needs a rotation
    expect(errors.map((e) => e.errorType)).toEqual(Array(4).fill('TAPLINE_ERR_EXPORT'));
    expect(errors[0]!.message).toMatch(/f\.ndjson\.1/);
    await d.shutdown();
    expect(await readNdjson(join(dir, 'f.ndjson'))).toEqual([{ i: 0, pad: 'yyyyyyyy' }]);
  });

  it('opens the file anew when its folder was deleted while running, and loses no record', async () => {
    const dir = await tempDir();
    const d = exporter(dir);
    const {
      outputs,
      events: { error: errors },
    } = recordDomain(d);
    await d.initialize();
    for (let i = 0; i < 3; i++) await d.handle({ i }, context());
    await rm(join(dir, 'out'), { recursive: true });
    for (let i = 3; i < 6; i++) await d.handle({ i }, context());
    await d.shutdown();
    expect(errors).toEqual([]);
    expect(outputs.length).toBe(6);
    expect(await readNdjson(join(dir, 'out/records.ndjson'))).toEqual([{ i: 3 }, { i: 4 }, { i: 5 }]);
  });

  it('fails a value that is not JSON with TAPLINE_ERR_EXPORT', async () => {
    const d = exporter(await tempDir());
    const {
      events: { error: errors },
    } = recordDomain(d);
    await d.initialize();
    await d.handle({ big: 1n }, context());
    await d.handle(undefined, context());
    expect(errors.map((e) => e.errorType)).toEqual(['TAPLINE_ERR_EXPORT', 'TAPLINE_ERR_EXPORT']);
    await d.shutdown();
  });

  it('shutdown is idempotent and safe before initialize', async () => {
    const d = exporter(await tempDir());
    await d.shutdown();
    await d.shutdown();
  });
});
