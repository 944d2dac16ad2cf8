import { open } from 'node:fs/promises';

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
