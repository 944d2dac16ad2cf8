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
import { getConformanceSuite } from '@bufbuild/cel-spec/testdata/tests.js';

const { values } = parseArgs({
  options: { iterations: { type: 'string', default: '200000' }, json: { type: 'string' } },
});
const N = Number(values.iterations);

// The suites (and sections) whose features a Tapline expression can use: no protobuf messages,
// enums, wrappers or optionals, which JSON records never hold.
const CLAIMED = {
  basic: null,
  comparisons: [
    'eq_literal',
    'ne_literal',
    'lt_literal',
    'gt_literal',
    'lte_literal',
    'gte_literal',
    'in_list_literal',
    'in_map_literal',
    'bound',
  ],
  conversions: ['double', 'int', 'string', 'bool', 'identity'],
  fields: ['map_fields', 'map_has', 'quoted_map_fields', 'in'],
  fp_math: null,
  integer_math: ['int64_math'],
  lists: null,
  logic: null,
  macros: null,
  parse: null,
  string: ['size', 'starts_with', 'ends_with', 'matches', 'concatenation', 'contains'],
  timestamps: null,
};

function* claimedTests() {
  for (const suite of getConformanceSuite().suites) {
    if (!(suite.name in CLAIMED)) continue;
    for (const section of suite.suites) {
      if (CLAIMED[suite.name] !== null && !CLAIMED[suite.name].includes(section.name)) continue;
      for (const t of section.tests)
        yield { name: `${suite.name}/${section.name}/${t.name}`, test: t.original };
    }
  }
}

// A cel.expr.Value as a JS value; `ints` says how a library takes integers. undefined: not JSON-like.
function fromValue(v, ints) {
  const { case: kind, value } = v.kind;
  switch (kind) {
    case 'nullValue':
      return null;
    case 'boolValue':
    case 'stringValue':
    case 'doubleValue':
      return value;
    case 'int64Value':
      return ints === 'number' ? Number(value) : BigInt(value);
    case 'bytesValue':
      return value;
    case 'listValue': {
      const out = value.values.map((x) => fromValue(x, ints));
      return out.includes(undefined) ? undefined : out;
    }
    case 'mapValue': {
      const out = new Map();
      for (const e of value.entries) {
        const k = fromValue(e.key, ints);
        const x = fromValue(e.value, ints);
        if (k === undefined || x === undefined) return undefined;
        out.set(k, x);
      }
      return out;
    }
    default:
      return undefined;
  }
}

// One canonical string per value, so results of every library compare alike. `loose`: the
// library has one number type (cel-js), so ints and doubles are compared as numbers.
function canon(x, loose) {
  if (x === null || x === undefined) return 'null';
  if (typeof x === 'bigint') return loose ? `n:${Number(x)}` : `i:${x}`;
  if (typeof x === 'number') return loose ? `n:${x}` : `d:${Object.is(x, -0) ? 0 : x}`;
  if (typeof x === 'string') return `s:${JSON.stringify(x)}`;
  if (typeof x === 'boolean') return `b:${x}`;
  if (x instanceof Uint8Array) return `y:${Buffer.from(x).toString('hex')}`;
  if (x instanceof Date) return `t:${x.toISOString()}`;
  if (buf.isCelUint(x) || x?.constructor?.name === 'UnsignedInt') return `u:${x.value ?? x.valueOf()}`;
  if (Array.isArray(x) || buf.isCelList(x)) return `[${[...x].map((e) => canon(e, loose)).join(',')}]`;
  const entries = x instanceof Map || buf.isCelMap(x) ? [...x.entries()] : Object.entries(x);
  return `{${entries
    .map(([k, v]) => `${canon(k, loose)}=${canon(v, loose)}`)
    .sort()
    .join(',')}}`;
}

const objectBindings = (m) => Object.fromEntries(m);
const CANDIDATES = [
  {
    name: '@marcbachmann/cel-js',
    ints: 'bigint',
    env: new marc.Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false }),
    compile(env, expr) {
      const f = env.parse(expr);
      return (ctx) => f(ctx);
    },
    bindings: (m) => objectBindings(m),
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
    bindings: (m) => objectBindings(m),
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
    bindings: (m) => objectBindings(m),
  },
];

function conformance(c) {
  let claimed = 0;
  let passed = 0;
  const failures = [];
  for (const { name, test } of claimedTests()) {
    if (test.container || test.typeEnv.some((d) => d.ident?.type?.typeKind?.case === 'messageType')) continue;
    const bound = new Map();
    let usable = true;
    for (const [k, ev] of Object.entries(test.bindings)) {
      const v = ev.kind.case === 'value' ? fromValue(ev.kind.value, c.ints) : undefined;
      if (v === undefined) usable = false;
      bound.set(k, v);
    }
    const matcher = test.resultMatcher;
    const wantError = matcher.case === 'evalError';
    const wantValue =
      matcher.case === 'value'
        ? matcher.value
        : matcher.case === 'typedResult'
          ? matcher.value.result
          : undefined;
    if (!usable || (!wantError && (wantValue === undefined || fromValue(wantValue, c.ints) === undefined)))
      continue;
    claimed++;
    let got;
    let threw = false;
    try {
      got = c.compile(c.env, test.expr)(c.bindings(bound));
    } catch {
      threw = true;
    }
    const ok = wantError
      ? threw
      : !threw && canon(got, c.loose) === canon(fromValue(wantValue, c.ints), c.loose);
    if (ok) passed++;
    else failures.push(name);
  }
  return { claimed, passed, failures };
}

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
  const conf = conformance(c);
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
