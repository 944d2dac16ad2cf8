// Compares the CEL implementations on the npm registry that the processor could use:
// conformance on the CEL specification's test data (from @bufbuild/cel-spec) for the features
// Tapline exposes, evaluation cost per record on the default records, and install footprint.
//   node bench/cel-candidates.mjs [--iterations N] [--json FILE]
import { existsSync, readFileSync, readdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import * as marc from '@marcbachmann/cel-js';
import * as buf from '@bufbuild/cel';
import * as chrome from 'cel-js';
import { conformance } from './lib/cel-conformance.mjs';

const { values } = parseArgs({
  options: { iterations: { type: 'string', default: '200000' }, json: { type: 'string' } },
});
const N = Number(values.iterations);

const CANDIDATES = [
  {
    name: '@marcbachmann/cel-js',
    ints: 'bigint',
    env: new marc.Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false }),
    compile(env, expr) {
      const f = env.parse(expr);
      return (ctx) => f(ctx);
    },
  },
  {
    name: '@bufbuild/cel',
    ints: 'bigint',
    env: buf.celEnv(),
    compile(env, expr) {
      const run = buf.plan(env, buf.parse(expr));
      return (ctx) => {
        const r = run(ctx);
        if (buf.isCelError?.(r) || r?.constructor?.name === 'CelError') throw new Error(String(r.message));
        return r;
      };
    },
  },
  {
    name: 'cel-js',
    ints: 'number',
    loose: true,
    env: null,
    compile(_env, expr) {
      const parsed = chrome.parse(expr);
      if (!parsed.isSuccess) throw new Error('parse failed');
      return (ctx) => chrome.evaluate(parsed.cst, ctx);
    },
  },
];

// The default records: what `tapline publish` sends (packages/cli/src/publish/sample-messages.ts).
const records = [];
const { sampleRecords } = await import('../packages/cli/dist/publish/sample-messages.js');
const next = sampleRecords(42);
for (let i = 0; i < 1000; i++) records.push(next(i));

const EXPRESSIONS = {
  filter: "level != 'debug' && latencyMs > 250.0",
  computed: 'latencyMs / 1000.0',
  concat: "service + ' ' + endpoint",
};

function perRecord(c, expr) {
  let f;
  try {
    f = c.compile(c.env, expr);
    for (const r of records) f(r);
  } catch (err) {
    return `fails: ${err.message.split('\n')[0]}`;
  }
  const median = [];
  for (let round = 0; round < 5; round++) {
    const t0 = process.hrtime.bigint();
    let sink = 0;
    for (let i = 0; i < N; i++) if (f(records[i % records.length])) sink++;
    median.push(Number(process.hrtime.bigint() - t0) / N);
    if (sink < 0) console.log(sink);
  }
  return Math.round(median.sort((a, b) => a - b)[2]);
}

// The installed size of a package and everything it depends on (peers included), in KiB.
function footprint(name) {
  const seen = new Set();
  const find = (pkg, from) => {
    for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', pkg);
      if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    }
    throw new Error(`${pkg} is not installed`);
  };
  const visit = (pkg, from) => {
    const dir = find(pkg, from);
    if (seen.has(dir)) return;
    seen.add(dir);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const deps = { ...manifest.peerDependencies, ...manifest.dependencies };
    for (const dep of Object.keys(deps)) visit(dep, dir);
  };
  visit(name, dirname(new URL(import.meta.url).pathname));
  const size = (p) => {
    const s = statSync(p);
    if (!s.isDirectory()) return s.size;
    return readdirSync(p)
      .filter((e) => e !== 'node_modules')
      .reduce((sum, e) => sum + size(join(p, e)), 0);
  };
  return { packages: seen.size, kib: Math.round([...seen].reduce((s, d) => s + size(d), 0) / 1024) };
}

const rows = [];
for (const c of CANDIDATES) {
  const conf = conformance({ compile: (expr) => c.compile(c.env, expr), ints: c.ints, loose: c.loose });
  const cost = Object.fromEntries(Object.entries(EXPRESSIONS).map(([k, e]) => [k, perRecord(c, e)]));
  rows.push({ name: c.name, ...conf, cost, footprint: footprint(c.name) });
}

console.log(`CEL candidates (Node ${process.version}, ${N} evaluations per round, median of 5)`);
for (const r of rows) {
  const costs = Object.entries(r.cost)
    .map(([k, v]) => `${k} ${typeof v === 'number' ? `${v} ns` : v}`)
    .join(', ');
  console.log(
    `  ${r.name.padEnd(22)} conformance ${r.passed}/${r.claimed}  ${costs}  install ${r.footprint.kib} KiB in ${r.footprint.packages} packages`,
  );
}
if (values.json) {
  writeFileSync(values.json, `${JSON.stringify({ node: process.version, iterations: N, rows }, null, 2)}\n`);
}
