import { DROP, ValidationError } from '@tapline/core';
import { describe, expect, it } from 'vitest';
import plugin, { ProcessorDomain, type ProcessorOptions } from '../src/index.js';
import { validateOptions } from '@tapline/testkit';
import { run } from './helpers.js';

function processor(steps: unknown[]): ProcessorDomain {
  const { options, problems } = validateOptions(plugin, { steps });
  expect(problems).toEqual([]);
  return new ProcessorDomain(options!, { id: 'p' });
}

/** Which of the records a filter keeps. */
function kept(where: unknown, records: Record<string, unknown>[]): Record<string, unknown>[] {
  const domain = processor([{ type: 'filter', where }]);
  return records.filter((r) => domain.execute(structuredClone(r)) !== DROP);
}

const logs = [
  { id: 1, level: 'debug', ms: 5, svc: 'api', tags: ['a'] },
  { id: 2, level: 'info', ms: 50, svc: 'api', user: { id: 'u1' } },
  { id: 3, level: 'error', ms: 500, svc: 'db', tags: ['a', 'b'] },
  { id: 4, level: 'warn', ms: '70', svc: 'web', user: null },
];
const ids = (rs: Record<string, unknown>[]) => rs.map((r) => r.id);

describe('filter', () => {
  it('supports every operator on nested and array paths', () => {
    expect(ids(kept({ field: 'level', eq: 'info' }, logs))).toEqual([2]);
    expect(ids(kept({ field: 'level', ne: 'debug' }, logs))).toEqual([2, 3, 4]);
    expect(ids(kept({ field: 'svc', in: ['db', 'web'] }, logs))).toEqual([3, 4]);
    expect(ids(kept({ field: 'user.id', exists: true }, logs))).toEqual([2]);
    expect(ids(kept({ field: 'user', exists: false }, logs))).toEqual([1, 3, 4]);
    expect(ids(kept({ field: 'ms', gt: 50 }, logs))).toEqual([3]);
    expect(ids(kept({ field: 'ms', gte: 50 }, logs))).toEqual([2, 3]);
    expect(ids(kept({ field: 'ms', lt: 50 }, logs))).toEqual([1]);
    expect(ids(kept({ field: 'ms', lte: 50 }, logs))).toEqual([1, 2]);
    expect(ids(kept({ field: 'level', gte: 'info' }, logs))).toEqual([2, 4]);
    expect(ids(kept({ field: 'level', matches: '^(ERR|WARN)', flags: 'i' }, logs))).toEqual([3, 4]);
    expect(ids(kept({ field: 'tags[1]', eq: 'b' }, logs))).toEqual([3]);
    expect(ids(kept({ field: 'tags', eq: ['a'] }, logs))).toEqual([1]);
    expect(ids(kept({ field: 'user', in: [{ id: 'u1' }] }, logs))).toEqual([2]);
  });

  it('combines conditions with and, or and not, nested', () => {
    const where = {
      or: [
        { and: [{ field: 'svc', eq: 'api' }, { not: { field: 'level', eq: 'debug' } }] },
        { field: 'ms', gte: 500 },
      ],
    };
    expect(ids(kept(where, logs))).toEqual([2, 3]);
    expect(ids(kept({ not: where }, logs))).toEqual([1, 4]);
  });

  it('reports a dropped message as dropped, not failed, and stops the later steps', async () => {
    const domain = processor([
      { type: 'filter', where: { field: 'level', ne: 'debug' } },
      { type: 'set', field: 'seen', value: true },
    ]);
    const debug = { level: 'debug' };
    const outcome = await run(domain, debug);
    expect(outcome).toMatchObject({ forwarded: [], dropped: 1, errors: [] });
    expect(debug).toEqual({ level: 'debug' });
    expect((await run(domain, { level: 'info' })).forwarded).toEqual([{ level: 'info', seen: true }]);
  });
});

describe('validate', () => {
  const schema = {
    type: 'object',
    required: ['service', 'level'],
    properties: {
      level: { enum: ['debug', 'info', 'warn', 'error'] },
      at: { type: 'string', format: 'date-time' },
      user: { type: 'object', properties: { email: { type: 'string', format: 'email' } } },
    },
  };

  it('passes matching records on unchanged', async () => {
    const record = { service: 'api', level: 'info', at: '2024-01-01T00:00:00Z' };
    const outcome = await run(processor([{ type: 'validate', schema }]), record);
    expect(outcome.forwarded[0]).toBe(record);
  });

  it('fails a record that does not match with ValidationError listing every mismatch', async () => {
    const outcome = await run(processor([{ type: 'validate', schema }]), {
      level: 'loud',
      at: 'yesterday',
      user: { email: 'nope' },
    });
    expect(outcome.forwarded).toEqual([]);
    expect(outcome.errors).toHaveLength(1);
    expect(outcome.errors[0]).toMatchObject({ domain: 'p', errorType: 'TAPLINE_ERR_VALIDATION' });
    const cause = outcome.errors[0]!.cause as ValidationError;
    expect(cause).toBeInstanceOf(ValidationError);
    expect(cause.problems.map((p) => p.path).sort()).toEqual(['', '/at', '/level', '/user/email']);
  });

  it('runs after earlier steps, on the record they produced', async () => {
    const outcome = await run(
      processor([
        { type: 'default', field: 'level', value: 'info' },
        { type: 'validate', schema },
      ]),
      { service: 'api' },
    );
    expect(outcome.forwarded).toEqual([{ service: 'api', level: 'info' }]);
  });
});

describe('compiled once', () => {
  it('check refuses what create could not compile, with its path, before any message', () => {
    const bad = { steps: [{ type: 'filter', where: { field: 'a', matches: '(' } }] };
    expect(validateOptions(plugin, bad).problems).toEqual([
      { path: '/steps/0/where/matches', message: expect.stringContaining('regular expression') },
    ]);
    expect(() => new ProcessorDomain(bad as ProcessorOptions)).toThrow('missing closing )');
  });

  it('builds ops at construction: handling a record reads no options', () => {
    const { options } = validateOptions(plugin, {
      steps: [{ type: 'set', field: 'k', template: '{a}' }],
    });
    const domain = new ProcessorDomain(options!);
    Object.assign(options!.steps[0]!, { field: 'z', template: '{b}' });
    expect(domain.execute({ a: 1, b: 2 })).toEqual({ a: 1, b: 2, k: '1' });
  });
});
