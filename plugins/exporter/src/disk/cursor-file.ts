import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '@tapline/core';
import { replaceFile } from './fsync-path.js';

/** Where a target has read the log to: the next frame it has not delivered. */
export interface Cursor {
  segment: number;
  offset: number;
}

/** The file of a target's cursor in the log's folder. */
export function cursorPath(dir: string, name: string): string {
  return join(dir, `cursor-${name}.json`);
}

/**
 * The cursor a target saved, or undefined when it has none (a target new to this log) or an
 * unreadable one (a power failure after a rename whose data never reached the disk): the target
 * then reads from the start of the log, so its records may come twice but none is skipped.
 */
export async function loadCursor(dir: string, name: string, log: Logger): Promise<Cursor | undefined> {
  const file = cursorPath(dir, name);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let c: Partial<Cursor> | undefined;
  try {
    c = JSON.parse(text) as Partial<Cursor>;
  } catch {
    c = undefined;
  }
  if (Number.isSafeInteger(c?.segment) && Number.isSafeInteger(c?.offset))
    return { segment: c!.segment!, offset: c!.offset! };
  log.warn(
    { target: name, file },
    `disk buffer: the cursor of ${name} (${file}) is empty or unreadable; ${name} reads the log from its start, so records it already had are delivered again`,
  );
  return undefined;
}

/**
 * Saves a cursor: written beside, then renamed over the old one, so a crash leaves the old cursor
 * or the new one, never a torn file. With `sync` (the log's `sync: "always"`) its data and name
 * are durable before it resolves, so a power failure costs no more re-delivery than a crash.
 * Without it, a power failure may leave an older cursor, or an empty one (`loadCursor`): records
 * are then delivered again, never skipped.
 */
export async function saveCursor(dir: string, name: string, cursor: Cursor, sync: boolean): Promise<void> {
  await replaceFile(cursorPath(dir, name), `{"segment":${cursor.segment},"offset":${cursor.offset}}\n`, sync);
}
