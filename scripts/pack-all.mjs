// `pnpm pack:all [--out DIR]`: one tarball per published package, in DIR (default: packs/).
// pnpm pack replaces the `workspace:` ranges with the packages' versions, as a publish would.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { publishable, root } from './publishable.mjs';

const { values } = parseArgs({ options: { out: { type: 'string', default: path.join(root, 'packs') } } });
const out = path.resolve(values.out);
mkdirSync(out, { recursive: true });
for (const { dir, pkg } of publishable()) {
  const json = execFileSync('pnpm', ['pack', '--pack-destination', out, '--json'], {
    cwd: dir,
    encoding: 'utf8',
  });
  const { filename } = JSON.parse(json.slice(json.indexOf('{')));
  console.log(`${pkg.name}@${pkg.version}  ${path.resolve(out, filename)}`);
}
