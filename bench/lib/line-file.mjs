// The hand-written receiver's output file, written the way the exporter's file target writes
// (group commit): a write begins as soon as the previous one returned, on the next turn of the
// event loop, with every line taken meanwhile. Like the file target it checks, around each write,
// that the file was not moved away or deleted (one stat before, one fstat after). A line is done
// once its batch's write returned; as under the host's maxInFlight, the reader waits while
// `limit` lines are not done.
import { open, stat } from 'node:fs/promises';

export async function openLineFile(path, { limit = 1024 } = {}) {
  const fh = await open(path, 'a');
  const { ino } = await fh.stat();
  let batch = '';
  let batchLines = 0;
  let undone = 0;
  let writing;
  let room; // resolves when fewer than `limit` lines are undone
  let wakeRoom;

  async function pump() {
    while (batchLines > 0) {
      const buf = Buffer.from(batch, 'utf8');
      const lines = batchLines;
      batch = '';
      batchLines = 0;
      if ((await stat(path)).ino !== ino) throw new Error(`${path} was moved away`);
      for (let at = 0; at < buf.length;) at += (await fh.write(buf, at)).bytesWritten;
      if ((await fh.stat()).nlink === 0) throw new Error(`${path} was deleted`);
      undone -= lines;
      if (wakeRoom !== undefined && undone < limit) {
        wakeRoom();
        wakeRoom = room = undefined;
      }
    }
  }
  const kick = () => {
    writing ??= pump().finally(() => {
      writing = undefined;
      if (batchLines > 0) setImmediate(kick);
    });
  };

  return {
    /** Takes one line (without its newline). */
    append(line) {
      if (batchLines === 0 && writing === undefined) setImmediate(kick);
      batch += line;
      batch += '\n';
      batchLines++;
      undone++;
    },
    /** A promise while `limit` lines wait for their write, else undefined. */
    full() {
      if (undone < limit) return undefined;
      return (room ??= new Promise((resolve) => (wakeRoom = resolve)));
    },
    async close() {
      kick();
      await writing;
      await fh.sync();
      await fh.close();
    },
  };
}
