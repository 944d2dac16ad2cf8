import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExporterDomain, type ExporterOptions } from '../src/index.js';
import { context, tempDir } from './helpers.js';

const made: ExporterDomain[] = [];
afterEach(async () => {
  for (const d of made.splice(0)) await d.shutdown().catch(() => {});
});

function exporter(options: ExporterOptions): ExporterDomain {
  const d = new ExporterDomain(options, { id: 'export' });
  made.push(d);
  return d;
}

async function archivePair(dir: string) {
  const options = (other: string) =>
    ({
      targets: [
        { type: 'file', name: 'archive', path: join(dir, 'archive.ndjson') },
        { type: 'file', name: 'other', path: join(dir, other) },
      ],
      retries: 0,
    }) as ExporterOptions;
  const before = exporter(options('a.ndjson'));
  await before.initialize();
  const after = exporter(options('b.ndjson'));
  after.takeOver(before);
  await after.initialize();
  return { before, after };
}

const lines = async (path: string) => (await readFile(path, 'utf8')).trimEnd().split('\n');

describe('a reload that changes an exporter', () => {
  it('keeps each unchanged target open in the new exporter; the old one does not close it, the new one does', async () => {
    const dir = await tempDir();
    const { before, after } = await archivePair(dir);
    expect(after.outputs[0]!.target).toBe(before.outputs[0]!.target);
    expect(after.outputs[1]!.target).not.toBe(before.outputs[1]!.target);
    await before.execute({ n: 1 }, context());
    await before.shutdown(); // the old chain drained: the archive is the new exporter's now
    await after.execute({ n: 2 }, context());
    expect(await lines(join(dir, 'archive.ndjson'))).toEqual(['{"n":1}', '{"n":2}']);
    await after.shutdown();
    await expect(Promise.resolve().then(() => after.outputs[0]!.target.write('{"n":3}'))).rejects.toThrow(
      /shutting down|closed/,
    );
  });

  it('hands the target back when the reload fails before the new exporter had a record', async () => {
    const dir = await tempDir();
    const { before, after } = await archivePair(dir);
    await after.shutdown(); // the reload failed: the old exporter goes on with its target
    await before.execute({ n: 1 }, context());
    expect(await lines(join(dir, 'archive.ndjson'))).toEqual(['{"n":1}']);
    await before.shutdown();
    await expect(Promise.resolve().then(() => before.outputs[0]!.target.write('{"n":2}'))).rejects.toThrow(
      /shutting down|closed/,
    );
  });

  it('refuses a reload that would open a disk buffer the running exporter has open', async () => {
    const dir = await tempDir();
    const options = (path: string) =>
      ({
        targets: [
          {
            type: 'file',
            name: 'archive',
            path: join(dir, path),
            buffer: { type: 'disk', path: join(dir, 'buffer') },
          },
        ],
        retries: 0,
      }) as ExporterOptions;
    const before = exporter(options('a.ndjson'));
    const after = exporter(options('b.ndjson'));
    expect(() => after.takeOver(before)).toThrow(/disk buffer in .*buffer is in use by the running exporter/);
  });
});
