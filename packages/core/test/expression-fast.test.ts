import { describe, expect, it } from 'vitest';
import { expressionEnvironment } from '../src/condition/expression-env.js';
import { UNDECIDED, compileFast } from '../src/condition/expression-fast.js';
import { compileExpression } from '../src/condition/expression.js';

const EXPRESSIONS = [
  "level != 'debug' && latencyMs > 250",
  "service + ' ' + endpoint",
  'latencyMs / 1000',
  'latencyMs * 2 - 1',
  '-latencyMs + 3',
  'status == 500 || status >= 502',
  '!(ok) && level == "error"',
  'a.b.c == 1.5',
  'a.b.c < -2',
  "ok ? service : 'none'",
  'latencyMs <= 250.0',
  'status != 404',
  'x == y',
];

const RECORDS: Record<string, unknown>[] = [
  {
    level: 'info',
    latencyMs: 300,
    service: 'api',
    endpoint: '/cart',
    status: 500,
    ok: true,
    a: { b: { c: 1.5 } },
  },
  {
    level: 'debug',
    latencyMs: 12.5,
    service: 'web',
    endpoint: '',
    status: 404,
    ok: false,
    a: { b: { c: -3 } },
  },
  { level: 'error', latencyMs: '300', service: 7, endpoint: '/x', status: '500', ok: 'yes', a: { b: 1 } },
  { level: null, latencyMs: Number.NaN, status: 502, ok: false, a: null, x: 1, y: true },
  { latencyMs: 0, service: 'api', ok: true, a: { b: {} }, x: 'a', y: 'a' },
  {},
  { constructor: 'c', level: 'info', latencyMs: 1e308, status: 503, x: null, y: null },
];

/** The interpreter's answer, or what it threw. */
function interpreted(source: string, record: Record<string, unknown>): unknown {
  try {
    return expressionEnvironment().parse(source)(record);
  } catch (err) {
    return { threw: (err as Error).message.split('\n')[0] };
  }
}

describe('expressions compiled to closures', () => {
  it('compiles the common shapes, and leaves calls, macros, lists and int-only arithmetic to the interpreter', () => {
    for (const source of EXPRESSIONS)
      expect(compileFast(expressionEnvironment().parse(source).ast), source).toBeDefined();
    for (const source of [
      'size(service) > 2',
      "x in ['a']",
      'a[0] == 1',
      '7 / 2 == 3',
      'has(a.b)',
      'lower(level) == "x"',
    ]) {
      expect(compileFast(expressionEnvironment().parse(source).ast), source).toBeUndefined();
    }
  });

  it('gives exactly what the interpreter gives, on every record: a value where it decides, the interpreter elsewhere', () => {
    let decided = 0;
    for (const source of EXPRESSIONS) {
      const fast = compileFast(expressionEnvironment().parse(source).ast)!;
      const evaluate = compileExpression(source);
      for (const record of RECORDS) {
        const want = interpreted(source, record);
        const quick = fast(record);
        if (quick !== UNDECIDED) {
          decided++;
          expect(quick, `${source} on ${JSON.stringify(record)}`).toStrictEqual(want);
        }
        let got: unknown;
        try {
          got = evaluate(record);
        } catch (err) {
          got = { threw: (err as { cause?: Error }).cause?.message.split('\n')[0] };
        }
        expect(got, `${source} on ${JSON.stringify(record)}`).toStrictEqual(want);
      }
    }
    // The closures answer most of these records themselves.
    expect(decided).toBeGreaterThan(40);
  });
});
