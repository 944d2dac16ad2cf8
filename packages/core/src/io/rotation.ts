import { codeOf } from '../error-code.js';
import { rename, rm } from 'node:fs/promises';

/** Shifts `path` to `path.1`, `path.1` to `path.2` … keeping `keep` rotated files. */
export async function rotateFiles(path: string, keep: number): Promise<void> {
  await rm(`${path}.${keep}`, { force: true });
  for (let i = keep - 1; i >= 1; i--) await renameIfThere(`${path}.${i}`, `${path}.${i + 1}`);
  await renameIfThere(path, `${path}.1`);
}

async function renameIfThere(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    if (codeOf(err) !== 'ENOENT') throw err;
  }
}

/**
 * How many bytes of `buf` (whole NDJSON lines) fit in a file holding `size` bytes of at most
 * `limit`. 0 means: rotate first. A single line longer than `limit` gets a file of its own.
 */
export function fitting(buf: Buffer, size: number, limit: number | undefined): number {
  if (limit === undefined) return buf.length;
  const room = limit - size;
  if (buf.length <= room) return buf.length;
  const cut = room > 0 ? buf.lastIndexOf(0x0a, room - 1) : -1;
  if (cut >= 0) return cut + 1;
  if (size > 0) return 0;
  const end = buf.indexOf(0x0a);
  return end < 0 ? buf.length : end + 1;
}
