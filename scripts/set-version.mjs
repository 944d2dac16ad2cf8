// `pnpm version:all 0.2.0`: the published packages are versioned together, so they move together.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { publishable } from './publishable.mjs';

const version = process.argv[2];
if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version ?? '')) {
  console.error('usage: pnpm version:all X.Y.Z');
  process.exit(2);
}
for (const { dir } of publishable()) {
  const file = path.join(dir, 'package.json');
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text.replace(/^( {2}"version": )"[^"]*"/m, `$1"${version}"`));
}
console.log(`every published package is now at ${version}`);
