import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExportError, type OutputBooks } from '@tapline/core';
import { readNdjson, recordDomain, validateOptions } from '@tapline/testkit';
import plugin, { ExporterDomain } from '../src/index.js';
import { context, tempDir } from './helpers.js';

const made: ExporterDomain[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const d of made.splice(0)) await d.shutdown().catch(() => {});
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const LEVELS = ['error', 'warn', 'info', 'error', 'debug'];
const records = () => LEVELS.map((level, seq) => ({ seq, level }));
const isError = { field: 'level', eq: 'error' };

async function exporter(options: Record<string, unknown>): Promise<{ d: ExporterDomain; dir: string }> {
  const dir = await tempDir();
  dirs.push(dir);
  const v = validateOptions(plugin, options);
  expect(v.problems).toEqual([]);
  const d = new ExporterDomain(v.options!, { id: 'export', configDir: dir });
  made.push(d);
  await d.initialize();
  return { d, dir };
}

/** Every target's books balance; returns them by name. */
function books(d: ExporterDomain): Record<string, OutputBooks> {
  const byName: Record<string, OutputBooks> = {};
  for (const b of d.outputBooks()) {
    expect(b.routed, b.name).toBe(b.written + b.dropped + b.deadLettered + b.lost + b.queued);
    byName[b.name] = b;
  }
  return byName;
}

const seqs = async (file: string) => ((await readNdjson(file)) as { seq: number }[]).map((r) => r.seq);

describe('exporter routes', () => {
  it('fans a record out to every target whose where holds (route all)', async () => {
    const { d, dir } = await exporter({
      targets: [
        { name: 'errors', type: 'file', path: 'errors.ndjson', where: isError },
        { name: 'archive', type: 'file', path: 'all.ndjson' },
      ],
    });
    const rec = recordDomain(d);
    for (const r of records()) await d.handle(r, context());
    await d.shutdown();
    expect(await seqs(join(dir, 'errors.ndjson'))).toEqual([0, 3]);
    expect(await seqs(join(dir, 'all.ndjson'))).toEqual([0, 1, 2, 3, 4]);
    expect(rec.outputs.map((r) => r.targets)).toEqual([
      ['errors', 'archive'],
      ['archive'],
      ['archive'],
      ['errors', 'archive'],
      ['archive'],
    ]);
    expect(books(d)).toMatchObject({ errors: { routed: 2, written: 2 }, archive: { routed: 5, written: 5 } });
  });

  it('sends a record to the first target whose where holds (route first)', async () => {
    const { d, dir } = await exporter({
      route: 'first',
      targets: [
        { name: 'errors', type: 'file', path: 'errors.ndjson', where: isError },
        { name: 'warnings', type: 'file', path: 'warn.ndjson', where: { field: 'level', eq: 'warn' } },
        { name: 'rest', type: 'file', path: 'rest.ndjson' },
      ],
    });
    for (const r of records()) await d.handle(r, context());
    await d.shutdown();
    expect(await seqs(join(dir, 'errors.ndjson'))).toEqual([0, 3]);
    expect(await seqs(join(dir, 'warn.ndjson'))).toEqual([1]);
    expect(await seqs(join(dir, 'rest.ndjson'))).toEqual([2, 4]);
    expect(books(d)).toMatchObject({ errors: { routed: 2 }, warnings: { routed: 1 }, rest: { routed: 2 } });
  });

  it('sends what no route takes to the unmatched target', async () => {
    const { d, dir } = await exporter({
      unmatched: 'other',
      targets: [
        { name: 'errors', type: 'file', path: 'errors.ndjson', where: isError },
        { name: 'other', type: 'file', path: 'other.ndjson', where: { field: 'level', eq: 'warn' } },
      ],
    });
    for (const r of records()) await d.handle(r, context());
    await d.shutdown();
    expect(await seqs(join(dir, 'errors.ndjson'))).toEqual([0, 3]);
    expect(await seqs(join(dir, 'other.ndjson'))).toEqual([1, 2, 4]);
    expect(d.unmatched).toBe(0);
    books(d);
  });

  it('drops what no route takes, with reason unmatched, and counts it', async () => {
    const { d, dir } = await exporter({
      targets: [{ name: 'errors', type: 'file', path: 'errors.ndjson', where: isError }],
    });
    const rec = recordDomain(d);
    for (const r of records()) await d.handle(r, context());
    await d.shutdown();
    expect(await seqs(join(dir, 'errors.ndjson'))).toEqual([0, 3]);
    expect(rec.events.dropped.map((e) => e.reason)).toEqual(['unmatched', 'unmatched', 'unmatched']);
    expect(d.unmatched).toBe(3);
    expect(books(d).errors).toMatchObject({ routed: 2, written: 2 });
  });

  it('dead-letters what a target still queues at shutdown for that target alone, naming the one that has it', async () => {
    const hopDir = await mkdtemp(join(tmpdir(), 'tapline-routes-'));
    dirs.push(hopDir);
    const { d } = await exporter({
      retries: 0,
      targets: [
        { name: 'archive', type: 'file', path: 'all.ndjson' },
        {
          name: 'next-hop',
          type: 'zmq',
          address: `ipc://${join(hopDir, 'hop')}`,
          sendTimeoutMs: -1,
          lingerMs: 0,
        },
      ],
    });
    const rec = recordDomain(d);
    const handled = [0, 1, 2].map((seq) => d.handle({ seq }, context()));
    await expect.poll(() => books(d).archive!.written).toBe(3);
    expect(books(d)['next-hop']).toMatchObject({ routed: 3, queued: 3 });
    await d.shutdown();
    await Promise.all(handled);
    expect(rec.events.error).toHaveLength(3);
    const err = rec.events.error[0]!.cause as ExportError;
    expect(err).toBeInstanceOf(ExportError);
    expect(err).toMatchObject({ targets: ['next-hop'], written: ['archive'], dropped: [] });
    expect(err.message).toMatch(/next-hop: shutdown timeout/);
    expect(books(d)['next-hop']).toMatchObject({ routed: 3, deadLettered: 3, queued: 0 });
  });

  it('names targets by type, made unique, around the names given', async () => {
    const { d } = await exporter({
      targets: [{ type: 'stdout' }, { name: 'stdout', type: 'stdout' }, { type: 'stdout' }],
    });
    expect(d.outputs.map((o) => o.name)).toEqual(['stdout-2', 'stdout', 'stdout-3']);
  });

  it('refuses two targets of one name, an unmatched target that does not exist, and a bad where', () => {
    const { problems } = validateOptions(plugin, {
      unmatched: 'nowhere',
      targets: [
        { name: 'out', type: 'stdout' },
        { name: 'out', type: 'stdout' },
        { type: 'stdout', where: { field: 'a', eq: 1, ne: 2 } },
      ],
    });
    expect(problems.map((p) => p.path).sort()).toEqual(['/targets/1/name', '/targets/2/where', '/unmatched']);
  });

  it('sends a replayed record to the targets its dead letter names, whatever the routes say, and fails one no longer there', async () => {
    const { d, dir } = await exporter({
      targets: [
        { name: 'errors', type: 'file', path: 'errors.ndjson', where: isError },
        { name: 'archive', type: 'file', path: 'all.ndjson' },
      ],
    });
    const rec = recordDomain(d);
    const replayed = context();
    replayed.attributes = { targets: ['archive'] };
    await d.handle({ seq: 0, level: 'error' }, replayed);
    const gone = context();
    gone.attributes = { targets: ['next-hop'] };
    await d.handle({ seq: 1, level: 'error' }, gone);
    await d.shutdown();
    expect(await seqs(join(dir, 'all.ndjson'))).toEqual([0]);
    expect(await seqs(join(dir, 'errors.ndjson')).catch(() => [])).toEqual([]);
    expect(rec.events.error).toHaveLength(1);
    expect(rec.events.error[0]!.cause).toBeInstanceOf(ExportError);
    expect((rec.events.error[0]!.cause as ExportError).targets).toEqual(['next-hop']);
  });
});
