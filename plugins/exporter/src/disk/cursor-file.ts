import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where a target has read the log to: the next frame it has not delivered. */
export interface Cursor {
  segment: number;
  offset: number;
}

/** The file of a target's cursor in the log's folder. */
export function cursorPath(dir: string, name: string): string {
  return join(dir, `cursor-${name}.json`);
}

/** The cursor a target saved, or undefined when it has none (a target new to this log). */
export async function loadCursor(dir: string, name: string): Promise<Cursor | undefined> {
  let text: string;
  try {
    text = await readFile(cursorPath(dir, name), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const c = JSON.parse(text) as Partial<Cursor>;
  return Number.isSafeInteger(c.segment) && Number.isSafeInteger(c.offset)
    ? { segment: c.segment!, offset: c.offset! }
    : undefined;
}

/**
 * Saves a cursor: written beside, then renamed over the old one, so a crash leaves the old cursor
 * or the new one, never a torn file. It is not synced: after a power failure a cursor may be
 * older than what was delivered, and those records are delivered again (never skipped).
 */
export async function saveCursor(dir: string, name: string, cursor: Cursor): Promise<void> {
  const path = cursorPath(dir, name);
  await writeFile(`${path}.tmp`, `{"segment":${cursor.segment},"offset":${cursor.offset}}\n`);
  await rename(`${path}.tmp`, path);
}
