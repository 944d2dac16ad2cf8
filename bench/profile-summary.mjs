// Where a receiver's CPU time went, from the .cpuprofile that --profile writes: the shares of
// idle time, garbage collection and the rest, the functions with the most self time, and the
// self time of each workspace package (host, core, each plugin), Node and native code.
//   node bench/profile-summary.mjs FILE.cpuprofile [--top 15]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: { top: { type: 'string', default: '15' } },
  allowPositionals: true,
});

/** The workspace package a script belongs to, `node` for Node's own, or `(native)`. */
function packageOf(url) {
  if (!url) return '(native)';
  if (url.startsWith('node:')) return 'node';
  const deps = [...url.matchAll(/node_modules\/((?:@[^/]+\/)?[^/.][^/]*)\//g)];
  if (deps.length > 0) return deps[deps.length - 1][1];
  const own = /\/(packages|plugins)\/([^/]+)\//.exec(url);
  if (own !== null) return `${own[1]}/${own[2]}`;
  return /\/bench\//.test(url) ? 'bench' : 'other';
}

export function summarizeProfile(profile, top = 15) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const packages = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const key = url ? `${functionName || '(anonymous)'} ${basename(url)}:${lineNumber + 1}` : functionName;
    self.set(key, (self.get(key) ?? 0) + dt);
    const pkg = functionName.startsWith('(') && !url ? functionName : packageOf(url);
    packages.set(pkg, (packages.get(pkg) ?? 0) + dt);
  });
  const share = (key) => (self.get(key) ?? 0) / total;
  const busy = total * (1 - share('(idle)'));
  const functions = [...self]
    .filter(([k]) => k !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({ name, ms: us / 1000, shareOfBusy: us / busy }));
  const byPackage = [...packages]
    .filter(([k]) => k !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .map(([name, us]) => ({ name, ms: us / 1000, shareOfBusy: us / busy }));
  return {
    totalMs: total / 1000,
    idle: share('(idle)'),
    gcShareOfBusy: (self.get('(garbage collector)') ?? 0) / busy,
    functions,
    byPackage,
  };
}

if (positionals.length > 0) {
  for (const file of positionals) {
    const s = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')), Number(values.top));
    const pct = (x) => `${(x * 100).toFixed(1)}%`;
    console.log(`${file}: ${s.totalMs.toFixed(0)} ms sampled, ${pct(s.idle)} idle; of the busy time:`);
    for (const f of s.functions) console.log(`  ${pct(f.shareOfBusy).padStart(6)}  ${f.name}`);
    console.log('  by package:');
    for (const p of s.byPackage) console.log(`  ${pct(p.shareOfBusy).padStart(6)}  ${p.name}`);
  }
}
