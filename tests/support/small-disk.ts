import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A folder on a disk that fills up: a tmpfs of `bytes` where the test may mount one. */
export interface SmallDisk {
  readonly dir: string;
  /** `tmpfs`: the folder is a mount of `bytes`; `ulimit`: files of the process are limited to `bytes`. */
  readonly how: 'tmpfs' | 'ulimit';
  /** The command prefix that runs a process under the limit (empty on a tmpfs). */
  readonly prefix: string[];
  release(): Promise<void>;
}

/**
 * Mounts a tmpfs of `bytes` (root can). Elsewhere, falls back to a file-size limit
 * (`ulimit -f`) on the process the test starts through `prefix`: Node ignores SIGXFSZ, so a
 * write past it fails with EFBIG as a full disk fails with ENOSPC.
 */
export async function smallDisk(bytes: number): Promise<SmallDisk> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tapline-disk-'));
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir]);
    return {
      dir,
      how: 'tmpfs',
      prefix: [],
      async release() {
        await run('umount', ['-l', dir]).catch(() => {});
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch {
    const blocks = Math.floor(bytes / 512);
    return {
      dir,
      how: 'ulimit',
      prefix: ['sh', '-c', `ulimit -f ${blocks} && exec "$0" "$@"`],
      release: () => rm(dir, { recursive: true, force: true }),
    };
  }
}
