// Where a receiver's CPU time went, from the .cpuprofile that --profile writes: the shares of
// idle time, garbage collection and the rest, and the functions with the most self time.
//   node bench/profile-summary.mjs FILE.cpuprofile [--top 15]
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  options: { top: { type: 'string', default: '15' } },
  allowPositionals: true,
});

export function summarizeProfile(profile, top = 15) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const { functionName, url, lineNumber } = byId.get(id).callFrame;
    const key = url ? `${functionName || '(anonymous)'} ${basename(url)}:${lineNumber + 1}` : functionName;
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  const share = (key) => (self.get(key) ?? 0) / total;
  const busy = total * (1 - share('(idle)'));
  const functions = [...self]
    .filter(([k]) => k !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({ name, ms: us / 1000, shareOfBusy: us / busy }));
  return {
    totalMs: total / 1000,
    idle: share('(idle)'),
    gcShareOfBusy: (self.get('(garbage collector)') ?? 0) / busy,
    functions,
  };
}

if (positionals.length > 0) {
  for (const file of positionals) {
    const s = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')), Number(values.top));
    const pct = (x) => `${(x * 100).toFixed(1)}%`;
    console.log(`${file}: ${s.totalMs.toFixed(0)} ms sampled, ${pct(s.idle)} idle; of the busy time:`);
    for (const f of s.functions) console.log(`  ${pct(f.shareOfBusy).padStart(6)}  ${f.name}`);
  }
}
