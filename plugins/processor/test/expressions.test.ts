import { DROP, type JsonRecord } from '@tapline/core';
import { EXPRESSION_FUNCTIONS } from '@tapline/core/condition';
import { validateOptions } from '@tapline/testkit';
import { describe, expect, it } from 'vitest';
import plugin, { ProcessorDomain } from '../src/index.js';
import { run } from './helpers.js';

function processor(steps: unknown[]): ProcessorDomain {
  const { options, problems } = validateOptions(plugin, { steps });
  expect(problems).toEqual([]);
  return new ProcessorDomain(options!, { id: 'p' });
}
const problemsOf = (steps: unknown[]) => validateOptions(plugin, { steps }).problems;
const computed = (expr: string, record: JsonRecord): unknown =>
  (processor([{ type: 'set', field: 'out', expr }]).execute(structuredClone(record)) as JsonRecord).out;

const logs = [
  { id: 1, level: 'debug', latencyMs: 900, service: 'api', endpoint: '/a' },
  { id: 2, level: 'info', latencyMs: 300, service: 'api', endpoint: '/b' },
  { id: 3, level: 'error', latencyMs: 20, service: 'db', endpoint: '/c' },
];

describe('expressions in filter and set', () => {
  it('filters with a CEL condition as the JSON condition does', () => {
    const cel = processor([{ type: 'filter', where: "level != 'debug' && latencyMs > 250" }]);
    const json = processor([
      {
        type: 'filter',
        where: {
          and: [
            { field: 'level', ne: 'debug' },
            { field: 'latencyMs', gt: 250 },
          ],
        },
      },
    ]);
    const keep = (d: ProcessorDomain) =>
      logs.filter((r) => d.execute(structuredClone(r)) !== DROP).map((r) => r.id);
    expect(keep(cel)).toEqual([2]);
    expect(keep(json)).toEqual([2]);
  });

  it('mixes CEL and JSON conditions inside and/or/not', () => {
    const d = processor([
      { type: 'filter', where: { or: ["service == 'db'", { field: 'level', eq: 'debug' }] } },
    ]);
    expect(logs.filter((r) => d.execute(structuredClone(r)) !== DROP).map((r) => r.id)).toEqual([1, 3]);
  });

  it('computes fields: arithmetic with integer literals, concatenation, results as JSON', () => {
    expect(computed('latencyMs / 1000.0', logs[1]!)).toBe(0.3);
    expect(computed('latencyMs / 1000', logs[1]!)).toBe(0.3);
    expect(computed("service + ' ' + endpoint", logs[1]!)).toBe('api /b');
    expect(computed('size(service)', logs[1]!)).toBe(3);
    expect(computed("{'ms': latencyMs, 'tags': [1, 2]}", logs[1]!)).toEqual({ ms: 300, tags: [1, 2] });
    expect(computed("timestamp('2024-01-02T03:04:05Z')", logs[1]!)).toBe('2024-01-02T03:04:05.000Z');
  });

  it('refuses a set step with two of value, template and expr', () => {
    expect(problemsOf([{ type: 'set', field: 'x', value: 1, expr: '1' }])).toEqual([
      { path: '/steps/0', message: expect.stringContaining('exactly one of') },
    ]);
  });
});

describe('the functions beyond standard CEL', () => {
  const r = {
    service: ' Checkout ',
    msg: 'user=bob id=42 took 12ms',
    ts: '2024-03-05T06:07:08.009Z',
    epoch: 1700000000,
    n: '12.5',
    bad: 'twelve',
    user: { name: 'ann' },
  };
  const cases: Record<string, [string, unknown]> = {
    'lower(string): string': ['lower(service)', ' checkout '],
    'string.lower(): string': ['service.lower()', ' checkout '],
    'upper(string): string': ['upper(service)', ' CHECKOUT '],
    'string.upper(): string': ['service.upper()', ' CHECKOUT '],
    'trim(string): string': ['trim(service)', 'Checkout'],
    'split(string, string): list<string>': ["split(msg, ' ')", ['user=bob', 'id=42', 'took', '12ms']],
    'matches(string, string): bool': ["matches(msg, 'id=\\\\d+')", true],
    'extract(string, string): string': ["extract(msg, 'id=(\\\\d+)')", '42'],
    'parseTimestamp(dyn): google.protobuf.Timestamp': ['parseTimestamp(epoch)', '2023-11-14T22:13:20.000Z'],
    'formatTimestamp(google.protobuf.Timestamp): string': [
      'formatTimestamp(parseTimestamp(ts))',
      '2024-03-05T06:07:08.009Z',
    ],
    'formatTimestamp(google.protobuf.Timestamp, string): string': [
      "formatTimestamp(parseTimestamp(ts), 'DD/MM/YYYY HH:mm:ss.SSS')",
      '05/03/2024 06:07:08.009',
    ],
    'toNumber(dyn): double': ['toNumber(n) * 2', 25],
    'toNumber(dyn, double): double': ['toNumber(bad, -1.0)', -1],
  };

  it('has a test for every function it documents', () => {
    expect(Object.keys(cases).sort()).toEqual(EXPRESSION_FUNCTIONS.map((f) => f.signature).sort());
    for (const f of EXPRESSION_FUNCTIONS) expect(f.doc.length).toBeGreaterThan(10);
  });

  for (const [signature, [expr, want]] of Object.entries(cases)) {
    it(`${signature}: ${expr}`, () => expect(computed(expr, r)).toEqual(want));
  }

  it('extract gives the whole match without a group, and "" without a match', () => {
    expect(computed("extract(msg, '[0-9]+ms')", r)).toBe('12ms');
    expect(computed("extract(msg, 'nothing(x)')", r)).toBe('');
  });

  it('has() is false for an absent field, even when its parent is absent too', () => {
    expect(computed('has(user.name)', r)).toBe(true);
    expect(computed('has(user.email)', r)).toBe(false);
    expect(computed('has(account.id)', r)).toBe(false);
  });

  it('matches runs on RE2: a pattern that backtracks catastrophically in JavaScript is linear', () => {
    expect(computed("matches(s, '(a+)+$')", { s: `${'a'.repeat(5000)}!` })).toBe(false);
  });
});

describe('checked at validate', () => {
  it('reports a syntax error, an unknown function and a type error at their offset in the expression', () => {
    const at = (expr: string) => problemsOf([{ type: 'filter', where: expr }])[0];
    expect(at("level == 'a' &&")).toMatchObject({ path: '/steps/0/where', offset: 15 });
    expect(at("lowr(level) == 'a'")).toMatchObject({ offset: 0, message: expect.stringContaining('lowr') });
    expect(at("level == 'a' && 1 + 'x' == 2")).toMatchObject({ offset: 16 });
    expect(at("level == 'a' &&")?.message).toContain("level == 'a' &&\n                     ^");
  });

  it('refuses a condition that cannot give true or false, and .matches() on JavaScript regexps', () => {
    expect(problemsOf([{ type: 'filter', where: "'text'" }])[0]?.message).toContain('true or false');
    expect(problemsOf([{ type: 'filter', where: "level.matches('x')" }])[0]?.message).toContain('RE2');
    expect(problemsOf([{ type: 'set', field: 'x', expr: "extract(a, '(?=x)')" }])[0]).toMatchObject({
      path: '/steps/0/expr',
      offset: 11,
    });
  });

  it('refuses hostile expressions: deep nesting, a huge list literal, a macro in a macro, a long text', () => {
    const hostile = [
      `${'('.repeat(200)}1${')'.repeat(200)} == 1`,
      `1 in [${Array.from({ length: 100_000 }, (_, i) => i).join(',')}]`,
      'xs.all(x, ys.exists(y, x == y))',
      `level == '${'a'.repeat(5000)}'`,
    ];
    for (const where of hostile) {
      expect(problemsOf([{ type: 'filter', where }])).toHaveLength(1);
    }
  });
});

describe('a record an expression fails on', () => {
  it('fails with TAPLINE_ERR_EXPRESSION naming the expression and the reason; the next record passes', async () => {
    const domain = processor([{ type: 'set', field: 'seconds', expr: 'latencyMs / 1000.0' }]);
    const failed = await run(domain, { service: 'api' });
    expect(failed.forwarded).toEqual([]);
    expect(failed.errors).toHaveLength(1);
    expect(failed.errors[0]).toMatchObject({ errorType: 'TAPLINE_ERR_EXPRESSION' });
    expect(failed.errors[0]!.message).toContain('latencyMs / 1000.0');
    expect(failed.errors[0]!.message).toContain('latencyMs');
    const typed = await run(domain, { latencyMs: 'slow' });
    expect(typed.errors[0]).toMatchObject({ errorType: 'TAPLINE_ERR_EXPRESSION' });
    const ok = await run(domain, { latencyMs: 1500 });
    expect(ok.forwarded).toEqual([{ latencyMs: 1500, seconds: 1.5 }]);
  });
});
