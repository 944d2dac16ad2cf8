// The hand-written receiver's output file, buffered the way the exporter's file target is: lines
// collect in memory and go out in one write once 64 KiB wait or a second has passed; past
// 512 KiB waiting the writer waits for the disk.
import { open } from 'node:fs/promises';

const FLUSH_BYTES = 64 * 1024;
const HIGH_WATER = 8 * FLUSH_BYTES;
const FLUSH_EVERY_MS = 1000;

export async function openLineFile(path) {
  const fh = await open(path, 'a');
  let pending = '';
  let flushing;
  const drain = async () => {
    while (pending.length > 0) {
      const buf = Buffer.from(pending, 'utf8');
      pending = '';
      let at = 0;
      while (at < buf.length) at += (await fh.write(buf, at)).bytesWritten;
    }
  };
  const flush = () => (flushing ??= drain().finally(() => (flushing = undefined)));
  const timer = setInterval(flush, FLUSH_EVERY_MS);
  timer.unref();
  return {
    /** Takes one line; returns a promise only when the writer must wait for the disk. */
    write(json) {
      pending += json;
      pending += '\n';
      if (pending.length < FLUSH_BYTES) return undefined;
      const flushed = flush();
      return pending.length >= HIGH_WATER ? flushed : undefined;
    },
    async close() {
      clearInterval(timer);
      await flushing;
      await flush();
      await fh.close();
    },
  };
}
