import { describe, expect, it } from 'vitest';
import plugin, { ProcessorDomain } from '../src/index.js';
import { validateOptions } from '@tapline/testkit';
import { run } from './helpers.js';

/** A domain made the way the host makes one: options validated (defaults applied) first. */
function processor(steps: unknown[]): ProcessorDomain {
  const { options, problems } = validateOptions(plugin, { steps });
  expect(problems).toEqual([]);
  return new ProcessorDomain(options!, { id: 'normalise' });
}

async function once(steps: unknown[], record: Record<string, unknown>) {
  const outcome = await run(processor(steps), record);
  expect(outcome.errors).toEqual([]);
  return outcome.forwarded[0];
}

describe('processor steps', () => {
  it('set writes literals and templates, creating nested containers', async () => {
    const out = await once(
      [
        { type: 'set', field: 'env', value: 'prod' },
        { type: 'set', field: 'meta.tags[0]', value: { k: 1 } },
        { type: 'set', field: 'key', template: '{service}-{level}/{user.ids[1]}{missing} {{x}}' },
      ],
      { service: 'api', level: 'warn', user: { ids: [7, 8] } },
    );
    expect(out).toEqual({
      service: 'api',
      level: 'warn',
      user: { ids: [7, 8] },
      env: 'prod',
      meta: { tags: [{ k: 1 }] },
      key: 'api-warn/8 {x}',
    });
  });

  it('set gives each record its own copy of an object literal', async () => {
    const domain = processor([{ type: 'set', field: 'meta', value: { seen: [] } }]);
    const a = (await run(domain, {})).forwarded[0] as any;
    const b = (await run(domain, {})).forwarded[0] as any;
    a.meta.seen.push(1);
    expect(b.meta.seen).toEqual([]);
  });

  it('set through a field that is not an object fails the message with TAPLINE_ERR_TRANSFORM', async () => {
    const outcome = await run(processor([{ type: 'set', field: 'user.name', value: 'x' }]), { user: 'bob' });
    expect(outcome.forwarded).toEqual([]);
    expect(outcome.errors[0]).toMatchObject({ domain: 'normalise', errorType: 'TAPLINE_ERR_TRANSFORM' });
    expect(outcome.errors[0]!.cause).toMatchObject({ code: 'TAPLINE_ERR_TRANSFORM', field: 'user.name' });
  });

  it('rename moves nested values and leaves records without the field alone', async () => {
    const steps = [{ type: 'rename', from: 'ctx.user.id', to: 'userId' }];
    expect(await once(steps, { ctx: { user: { id: 5, n: 1 } } })).toEqual({
      ctx: { user: { n: 1 } },
      userId: 5,
    });
    expect(await once(steps, { other: 1 })).toEqual({ other: 1 });
  });

  it('remove deletes fields and splices array elements; pick keeps only the paths given', async () => {
    const record = () => ({ a: 1, b: { c: 2, d: 3 }, items: [{ id: 1, x: 1 }, { id: 2 }] });
    expect(await once([{ type: 'remove', fields: ['a', 'b.c', 'items.0', 'nope.x'] }], record())).toEqual({
      b: { d: 3 },
      items: [{ id: 2 }],
    });
    expect(await once([{ type: 'pick', fields: ['b.d', 'items[0].id', 'missing'] }], record())).toEqual({
      b: { d: 3 },
      items: [{ id: 1 }],
    });
  });

  it('default fills missing and null fields only', async () => {
    const steps = [
      { type: 'default', field: 'level', value: 'info' },
      { type: 'default', field: 'tags', value: [] },
    ];
    expect(await once(steps, { level: null })).toEqual({ level: 'info', tags: [] });
    expect(await once(steps, { level: 'error', tags: ['a'] })).toEqual({ level: 'error', tags: ['a'] });
    expect(await once(steps, { level: '' })).toEqual({ level: '', tags: [] });
  });

  it('coerce converts numbers, strings, booleans and timestamps', async () => {
    const out = await once(
      [
        { type: 'coerce', field: 'n', to: 'number' },
        { type: 'coerce', field: 's', to: 'string' },
        { type: 'coerce', field: 'b', to: 'boolean' },
        { type: 'coerce', field: 'ms', to: 'timestamp' },
        { type: 'coerce', field: 'sec', to: 'timestamp' },
        { type: 'coerce', field: 'text', to: 'timestamp' },
        { type: 'coerce', field: 'forced', to: 'timestamp', unit: 's' },
        { type: 'coerce', field: 'absent', to: 'number' },
      ],
      {
        n: ' 12.5 ',
        s: 42,
        b: 'Yes',
        ms: 1700000000000,
        sec: 1700000000,
        text: '2024-01-02T03:04:05+01:00',
        forced: '1',
      },
    );
    expect(out).toEqual({
      n: 12.5,
      s: '42',
      b: true,
      ms: '2023-11-14T22:13:20.000Z',
      sec: '2023-11-14T22:13:20.000Z',
      text: '2024-01-02T02:04:05.000Z',
      forced: '1970-01-01T00:00:01.000Z',
    });
  });

  it.each([
    ['number', 'abc'],
    ['number', ''],
    ['number', { a: 1 }],
    ['boolean', 'maybe'],
    ['boolean', 2],
    ['timestamp', 'not a date'],
    ['timestamp', true],
    ['timestamp', 1e20],
  ])('coerce to %s fails the message on %j with TAPLINE_ERR_TRANSFORM', async (to, value) => {
    const outcome = await run(processor([{ type: 'coerce', field: 'v', to }]), { v: value });
    expect(outcome.forwarded).toEqual([]);
    expect(outcome.errors).toHaveLength(1);
    expect(outcome.errors[0]).toMatchObject({ errorType: 'TAPLINE_ERR_TRANSFORM' });
  });

  it('redact replaces whole fields, or only the matches of a pattern in strings', async () => {
    expect(
      await once([{ type: 'redact', fields: ['password', 'user.token', 'absent'] }], {
        password: 'p',
        user: { token: 't' },
      }),
    ).toEqual({ password: '[REDACTED]', user: { token: '[REDACTED]' } });
    const masked = await once(
      [
        {
          type: 'redact',
          fields: ['msg', 'n'],
          pattern: '\\d{4}(\\d{4})',
          flags: 'i',
          replacement: '****$1',
        },
      ],
      { msg: 'card 12345678 and 87654321', n: 12345678 },
    );
    expect(masked).toEqual({ msg: 'card ****5678 and ****4321', n: 12345678 });
  });

  it('changes the record in place (only pick makes a new one) and runs steps in order', async () => {
    const record = { a: '1' };
    const out = await once(
      [
        { type: 'coerce', field: 'a', to: 'number' },
        { type: 'set', field: 'b', template: '{a}!' },
      ],
      record,
    );
    expect(out).toBe(record);
    expect(record).toEqual({ a: 1, b: '1!' });
  });

  it('fails a payload that is not a record', async () => {
    const outcome = await run(processor([]), [1, 2] as any);
    expect(outcome.errors[0]).toMatchObject({ errorType: 'TAPLINE_ERR_VALIDATION' });
  });
});
