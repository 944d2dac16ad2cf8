// A benchmark's figures as JSON in the results folder, with what they must be read with.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';

/** Writes `DIR/NAME.json`: the figures, with the date, Node's version and the machine's load. */
export function writeResults(dir, name, figures) {
  mkdirSync(dir, { recursive: true });
  const result = {
    date: new Date().toISOString(),
    node: process.version,
    // The machine's 1-minute load average at the end: read the figures with it.
    loadAverage: loadavg()[0],
    ...figures,
  };
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
}
