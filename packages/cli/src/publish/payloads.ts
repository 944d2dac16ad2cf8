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
