import { readFile } from 'node:fs/promises';

/**
 * The JSON values of an NDJSON file, one per line; none when the file does not exist. A torn
 * last line or a line that is not JSON throws, naming the file and line: a plugin that writes
 * NDJSON must never leave one.
 */
export async function readNdjson(file: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  if (text !== '' && !text.endsWith('\n')) throw new Error(`${file} ends with a torn line`);
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line, i) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        throw new Error(`${file}:${i + 1} is not a whole JSON line: ${line.slice(0, 80)}`);
      }
    });
}
