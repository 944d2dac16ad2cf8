import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type * as fsp from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { eventually } from '@tapline/testkit';
import { context, exporterTo, shutdownExporters, tempDir } from './helpers.js';

/** What the log did to its folder's names, and each fsync in the test's folder, in order. */
const events: string[] = [];
let root = '';

// The real calls, observed: a name is durable only once its folder is synced after it.
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof fsp>();
  const open: typeof real.open = async (path, flags, mode) => {
    const p = String(path);
    if (root === '' || !p.startsWith(root)) return real.open(path, flags, mode);
    const created = !existsSync(p);
    const fh = await real.open(path, flags, mode);
    if (created && basename(p).startsWith('segment-')) events.push(`create ${basename(p)}`);
    const sync = fh.sync.bind(fh);
    fh.sync = async () => {
      await sync();
      events.push(`sync ${relative(root, p) || '.'}`);
    };
    return fh;
  };
  const rename: typeof real.rename = async (from, to) => {
    await real.rename(from, to);
    if (root !== '' && String(to).startsWith(root)) events.push(`rename ${basename(String(to))}`);
  };
  return { ...real, open, rename };
});

afterEach(async () => {
  await shutdownExporters();
  events.length = 0;
  if (root !== '') await rm(root, { recursive: true, force: true });
  root = '';
});

async function run(sync: 'always' | 'interval'): Promise<void> {
  const dir = (root = await tempDir());
  const log = join(dir, 'log');
  const d = exporterTo({
    name: 'hop',
    type: 'file',
    path: join(dir, 'out.ndjson'),
    buffer: { type: 'disk', path: log, sync, segmentBytes: 2048 },
  });
  await d.initialize();
  for (let i = 0; i < 10; i++)
    await Promise.all(
      Array.from({ length: 20 }, (_, j) => d.execute({ seq: i * 20 + j, pad: 'x'.repeat(40) }, context())),
    );
  await eventually(() => d.outputBooks()[0]!.delivered === 200 || undefined, { what: 'all delivered' });
  await d.shutdown();
}

describe('disk buffer metadata', () => {
  it('sync always: fsyncs the folder after each segment it creates, targets.json and each cursor', async () => {
    await run('always');
    // The log's folder is new: its own name is synced into the folder holding it.
    expect(events[0]).toBe('sync .');
    const table = events.indexOf('rename targets.json');
    expect(events.indexOf('sync log/targets.json.tmp')).toBe(table - 1);
    const changes = events.filter((e) => !e.startsWith('sync '));
    expect(changes).toEqual(
      expect.arrayContaining(['create segment-000000000002.log', 'rename cursor-hop.json']),
    );
    expect(events.filter((e) => e === 'sync log').length).toBe(changes.length);
    let lastCursor = -1;
    events.forEach((e, i) => {
      if (!e.startsWith('sync '))
        expect(events.slice(i + 1), `a sync of the folder after ${e}`).toContain('sync log');
      // A cursor's data is synced before its name replaces the old one, as targets.json's is.
      if (e === 'rename cursor-hop.json') {
        expect(events.slice(lastCursor + 1, i)).toContain('sync log/cursor-hop.json.tmp');
        lastCursor = i;
      }
    });
  });

  it('sync interval: leaves the folder to the OS', async () => {
    await run('interval');
    expect(events).toContain('rename cursor-hop.json');
    expect(events.filter((e) => e === 'sync .' || e.startsWith('sync log'))).toEqual([]);
  });
});
