import { open, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * fsyncs a file or a folder by its path. A file created or renamed survives a power failure only
 * once its folder is synced too: fdatasync of the file itself does not promise its name.
 */
export async function fsyncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Writes `text` beside `path` and renames it over the old file, so a crash leaves the old file
 * or the new one, never a torn one. With `sync`, the new file's data and then its name are made
 * durable before it resolves, so a power failure leaves the old file or the whole new one too.
 */
export async function replaceFile(path: string, text: string, sync: boolean): Promise<void> {
  const tmp = `${path}.tmp`;
  await writeFile(tmp, text);
  if (sync) await fsyncPath(tmp);
  await rename(tmp, path);
  if (sync) await fsyncPath(dirname(path));
}
