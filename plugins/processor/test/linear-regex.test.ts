import { describe, expect, it } from 'vitest';
import { validateOptions } from '@tapline/testkit';
import plugin, { ProcessorDomain } from '../src/index.js';
import { run } from './helpers.js';

// Exponential on a backtracking engine: (a+)+$ against 50 a's and a '!' tries 2^50 splits.
const EVIL = '(a+)+$';
const HOSTILE = 'a'.repeat(50) + '!';

function processor(steps: unknown[]): ProcessorDomain {
  const { options, problems } = validateOptions(plugin, { steps });
  expect(problems).toEqual([]);
  return new ProcessorDomain(options!, { id: 'p' });
}

describe('patterns from the config run in linear time', () => {
  it('a redact pattern that would backtrack forever finishes, and still redacts matches', async () => {
    const domain = processor([{ type: 'redact', fields: ['msg', 'ok'], pattern: EVIL, replacement: '#' }]);
    const outcome = await run(domain, { msg: HOSTILE, ok: 'baaa' });
    expect(outcome.forwarded).toEqual([{ msg: HOSTILE, ok: 'b#' }]);
  });

  it('a filter `matches` that would backtrack forever finishes', async () => {
    const domain = processor([{ type: 'filter', where: { field: 'msg', matches: EVIL } }]);
    expect((await run(domain, { msg: HOSTILE })).dropped).toBe(1);
    expect((await run(domain, { msg: 'aaaa' })).forwarded).toHaveLength(1);
  });

  it('a JSON Schema `pattern` in a validate step finishes', async () => {
    const schema = { type: 'object', properties: { msg: { type: 'string', pattern: EVIL } } };
    const domain = processor([{ type: 'validate', schema }]);
    const outcome = await run(domain, { msg: HOSTILE });
    expect(outcome.errors[0]).toMatchObject({ errorType: 'TAPLINE_ERR_VALIDATION' });
    expect((await run(domain, { msg: 'aaa' })).forwarded).toHaveLength(1);
  });

  it('keeps JavaScript habits that RE2 can run: named groups, \\u escapes, flags, $1', async () => {
    const domain = processor([
      { type: 'redact', fields: ['email'], pattern: '^(?<user>[^@]+)@', replacement: '***@' },
      { type: 'redact', fields: ['card'], pattern: '\\u0034(\\d{3})', replacement: 'x$1' },
      { type: 'filter', where: { field: 'level', matches: '^warn$', flags: 'im' } },
    ]);
    const outcome = await run(domain, { email: 'joe@x.org', card: '4123', level: 'x\nWARN' });
    expect(outcome.forwarded).toEqual([{ email: '***@x.org', card: 'x123', level: 'x\nWARN' }]);
  });

  it('check refuses backreferences and lookaround with the reason and the option path', () => {
    const { problems } = validateOptions(plugin, {
      steps: [
        { type: 'redact', fields: ['a'], pattern: '(a)\\1' },
        { type: 'filter', where: { not: { field: 'a', matches: 'x(?=y)' } } },
        { type: 'filter', where: { field: 'a', matches: '(?<=x)y' } },
      ],
    });
    expect(problems).toEqual([
      { path: '/steps/0/pattern', message: expect.stringContaining('backreferences are not supported') },
      { path: '/steps/1/where/not/matches', message: expect.stringContaining('lookahead') },
      { path: '/steps/2/where/matches', message: expect.stringContaining('lookbehind') },
    ]);
  });

  it('check refuses a validate schema whose pattern RE2 cannot run', () => {
    const schema = { properties: { a: { type: 'string', pattern: '(?!x)' } } };
    const { problems } = validateOptions(plugin, { steps: [{ type: 'validate', schema }] });
    expect(problems).toEqual([{ path: '/steps/0/schema', message: expect.stringContaining('(?!') }]);
  });
});
