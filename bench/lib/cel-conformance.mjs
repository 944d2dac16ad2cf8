// The CEL specification's conformance tests (from @bufbuild/cel-spec) for the features a Tapline
// expression can use, and how to run them on an implementation: shared by
// bench/cel-candidates.mjs, which compares the candidates, and tests/cel-conformance.test.ts,
// which holds Tapline's own environment to the figures its README states.
import { isCelList, isCelMap, isCelUint } from '@bufbuild/cel';
import { getConformanceSuite } from '@bufbuild/cel-spec/testdata/tests.js';

// The suites (and sections) whose features a Tapline expression can use: no protobuf messages,
// enums, wrappers or optionals, which JSON records never hold.
export const CLAIMED = {
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

export function* claimedTests() {
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
export function fromValue(v, ints) {
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
export function canon(x, loose) {
  if (x === null || x === undefined) return 'null';
  if (typeof x === 'bigint') return loose ? `n:${Number(x)}` : `i:${x}`;
  if (typeof x === 'number') return loose ? `n:${x}` : `d:${Object.is(x, -0) ? 0 : x}`;
  if (typeof x === 'string') return `s:${JSON.stringify(x)}`;
  if (typeof x === 'boolean') return `b:${x}`;
  if (x instanceof Uint8Array) return `y:${Buffer.from(x).toString('hex')}`;
  if (x instanceof Date) return `t:${x.toISOString()}`;
  if (isCelUint(x) || x?.constructor?.name === 'UnsignedInt') return `u:${x.value ?? x.valueOf()}`;
  if (Array.isArray(x) || isCelList(x)) return `[${[...x].map((e) => canon(e, loose)).join(',')}]`;
  const entries = x instanceof Map || isCelMap(x) ? [...x.entries()] : Object.entries(x);
  return `{${entries
    .map(([k, v]) => `${canon(k, loose)}=${canon(v, loose)}`)
    .sort()
    .join(',')}}`;
}

/**
 * Runs the claimed tests a JSON record could express on one implementation: `compile(expr)`
 * gives a function of the bindings (an object of variables) that returns the result or throws.
 * A test passes when the value matches, or when an error was expected and one was thrown (at
 * compile or at evaluation). `ints` and `loose` as for fromValue and canon.
 */
export function conformance({ compile, ints = 'bigint', loose = false }) {
  let claimed = 0;
  let passed = 0;
  const failures = [];
  for (const { name, test } of claimedTests()) {
    if (test.container || test.typeEnv.some((d) => d.ident?.type?.typeKind?.case === 'messageType')) continue;
    const bound = {};
    let usable = true;
    for (const [k, ev] of Object.entries(test.bindings)) {
      const v = ev.kind.case === 'value' ? fromValue(ev.kind.value, ints) : undefined;
      if (v === undefined) usable = false;
      bound[k] = v;
    }
    const matcher = test.resultMatcher;
    const wantError = matcher.case === 'evalError';
    const wantValue =
      matcher.case === 'value'
        ? matcher.value
        : matcher.case === 'typedResult'
          ? matcher.value.result
          : undefined;
    if (!usable || (!wantError && (wantValue === undefined || fromValue(wantValue, ints) === undefined)))
      continue;
    claimed++;
    let got;
    let threw = false;
    try {
      got = compile(test.expr)(bound);
    } catch {
      threw = true;
    }
    const ok = wantError ? threw : !threw && canon(got, loose) === canon(fromValue(wantValue, ints), loose);
    if (ok) passed++;
    else failures.push(name);
  }
  return { claimed, passed, failures };
}
