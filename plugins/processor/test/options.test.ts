import { describe, expect, it } from 'vitest';
import plugin, { ProcessorDomain } from '../src/index.js';
import { validateOptions } from '@tapline/testkit';

const paths = (raw: unknown) => validateOptions(plugin, raw).problems.map((p) => p.path);

describe('processor options', () => {
  it('defaults to no steps, which passes records through', () => {
    expect(validateOptions(plugin, {}).options).toEqual({ steps: [] });
    const domain = new ProcessorDomain({ steps: [] });
    const record = { a: 1 };
    expect(domain.execute(record)).toBe(record);
  });

  it('applies the defaults of the step type that was chosen, and only those', () => {
    const { options } = validateOptions(plugin, {
      steps: [
        { type: 'redact', fields: ['password'] },
        { type: 'coerce', field: 'ts', to: 'timestamp' },
        { type: 'coerce', field: 'n', to: 'number' },
      ],
    });
    expect(options?.steps).toEqual([
      { type: 'redact', fields: ['password'], replacement: '[REDACTED]' },
      { type: 'coerce', field: 'ts', to: 'timestamp', unit: 'auto' },
      { type: 'coerce', field: 'n', to: 'number', unit: 'auto' },
    ]);
  });

  it('refuses an unknown step type with one problem at its path', () => {
    const { problems } = validateOptions(plugin, {
      steps: [{ type: 'set', field: 'a', value: 1 }, { type: 'explode' }],
    });
    expect(problems).toEqual([expect.objectContaining({ path: '/steps/1/type' })]);
  });

  it('refuses shapes the step type does not have, naming the step', () => {
    expect(paths({ steps: [{ type: 'rename', from: 'a' }] })).toContain('/steps/0/to');
    expect(paths({ steps: [{ type: 'remove', fields: [] }] })).toContain('/steps/0/fields');
    expect(paths({ steps: [{ type: 'coerce', field: 'a', to: 'date' }] })).toContain('/steps/0/to');
    expect(paths({ steps: [{ type: 'pick', fields: ['a'], extra: true }] })).toContain('/steps/0/extra');
    expect(paths({ steps: [], other: 1 })).toContain('/other');
  });

  it('refuses malformed field paths wherever they appear', () => {
    expect(paths({ steps: [{ type: 'set', field: 'a..b', value: 1 }] })).toContain('/steps/0/field');
    expect(paths({ steps: [{ type: 'remove', fields: ['ok', 'items[x]'] }] })).toContain('/steps/0/fields/1');
    expect(paths({ steps: [{ type: 'filter', where: { and: [{ field: '.a', eq: 1 }] } }] })).toContain(
      '/steps/0/where/and/0/field',
    );
    expect(paths({ steps: [{ type: 'set', field: 'a.__proto__.b', value: 1 }] })).toEqual(['/steps/0/field']);
  });

  it('reports what the schema cannot: bad patterns, templates, schemas, operator counts', () => {
    const { problems } = validateOptions(plugin, {
      steps: [
        { type: 'redact', fields: ['msg'], pattern: '([a-z' },
        { type: 'set', field: 'x', template: '{service-{level}' },
        { type: 'set', field: 'x' },
        {
          type: 'filter',
          where: { or: [{ field: 'a', eq: 1, ne: 2 }, { not: { field: 'b', matches: '*' } }] },
        },
        { type: 'filter', where: { field: 'a' } },
        { type: 'validate', schema: { type: 'object', properties: { a: { type: 'strin' } } } },
        { type: 'validate', schema: { type: 'object', requird: ['a'] } },
      ],
    });
    expect(problems.map((p) => p.path)).toEqual([
      '/steps/0/pattern',
      '/steps/1/template',
      '/steps/2',
      '/steps/3/where/or/0',
      '/steps/3/where/or/1/not/matches',
      '/steps/4/where',
      '/steps/5/schema',
      '/steps/6/schema',
    ]);
  });

  it('accepts a realistic list of steps', () => {
    const { problems, options } = validateOptions(plugin, {
      steps: [
        { type: 'coerce', field: 'latencyMs', to: 'number' },
        { type: 'default', field: 'level', value: 'info' },
        { type: 'filter', where: { not: { field: 'level', eq: 'debug' } } },
        { type: 'set', field: 'key', template: '{service}-{level}' },
        { type: 'redact', fields: ['user.email'], pattern: '[^@]+@', replacement: '***@' },
        { type: 'validate', schema: { type: 'object', required: ['service'] } },
      ],
    });
    expect(problems).toEqual([]);
    expect(options?.steps).toHaveLength(6);
  });
});
