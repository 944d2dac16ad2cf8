import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { sampleRecords } from './sample-messages.js';

/** `count` sample records as JSON text, each stamped with its send time as it is made. */
export function* samplePayloads(count: number, seed?: number): Generator<string> {
  const next = sampleRecords(seed);
  for (let i = 1; i <= count; i++) yield JSON.stringify(next(i));
}

/** The non-empty lines of an NDJSON file, at most `count` of them. */
export async function* fileLines(path: string, count = Infinity): AsyncGenerator<string> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let sent = 0;
  try {
    for await (const line of lines) {
      if (sent >= count) break;
      if (line.trim() === '') continue;
      sent++;
      yield line;
    }
  } finally {
    lines.close();
  }
}

/**
 * Joins every `size` payloads into one frame, one per line (NDJSON, for a source that decodes
 * "ndjson"); the last frame may hold fewer. `tally.records` counts the payloads framed so far.
 */
export async function* framesOf(
  payloads: Iterable<string> | AsyncIterable<string>,
  size: number,
  tally: { records: number },
): AsyncGenerator<string> {
  let frame: string[] = [];
  for await (const payload of payloads) {
    frame.push(payload);
    if (frame.length < size) continue;
    tally.records += frame.length;
    yield frame.join('\n');
    frame = [];
  }
  if (frame.length === 0) return;
  tally.records += frame.length;
  yield frame.join('\n');
}
