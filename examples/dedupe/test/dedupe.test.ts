import { createPluginStep, runDomain } from '@tapline/testkit';
import type { MessageContext } from '@tapline/core';
import { describe, expect, it } from 'vitest';
import dedupe from '../src/index.js';

let nextId = 1;
/** A context received at a given monotonic time, so windows are tested without waiting. */
const at = (receivedAt: number): MessageContext => ({
  id: nextId++,
  receivedAt,
  source: 'test',
});

async function step(options: object) {
  const made = await createPluginStep(dedupe, options);
  await made.domain.initialize();
  return made;
}

describe('dedupe', () => {
  it('drops a record whose key was seen within the window and forwards it again after', async () => {
    const { domain } = await step({ key: 'id', windowMs: 1000 });
    const inputs = [{ id: 1 }, { id: 2 }, { id: 1, n: 2 }, { id: '1' }, { id: 1, n: 3 }];
    const times = [0, 10, 500, 600, 1000];
    const run = await runDomain(domain, inputs, { contexts: times.map(at) });
    expect(run.outputs).toEqual([{ id: 1 }, { id: 2 }, { id: '1' }, { id: 1, n: 3 }]);
    expect(run.events.dropped).toHaveLength(1);
    expect(domain.duplicates).toBe(1);
  });

  it('compares several fields together, nested ones by dotted path', async () => {
    const { domain } = await step({ key: ['user.id', 'kind'] });
    const inputs = [
      { user: { id: 'a' }, kind: 'click' },
      { user: { id: 'a' }, kind: 'view' },
      { user: { id: 'a' }, kind: 'click', extra: true },
      { user: { id: 'b' }, kind: 'click' },
    ];
    const run = await runDomain(domain, inputs);
    expect(run.results.map((r) => r.outcome)).toEqual(['forwarded', 'forwarded', 'dropped', 'forwarded']);
  });

  it('keeps at most maxKeys keys, forgetting the oldest first', async () => {
    const { domain } = await step({ key: 'id', maxKeys: 2 });
    const run = await runDomain(domain, [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 1 }, { id: 3 }]);
    expect(run.results.map((r) => r.outcome)).toEqual([
      'forwarded',
      'forwarded',
      'forwarded',
      'forwarded', // 1 was evicted when 3 arrived
      'dropped',
    ]);
    expect(domain.size).toBe(2);
    expect(domain.evicted).toBe(2);
  });

  it('fails a record without the key with a coded error, or forwards it when told to', async () => {
    const strict = await step({ key: 'id' });
    const failed = await runDomain(strict.domain, [{ other: 1 }]);
    expect(failed.events.error[0]).toMatchObject({ errorType: 'TAPLINE_ERR_VALIDATION' });
    const lenient = await step({ key: 'id', onMissingKey: 'forward' });
    expect((await runDomain(lenient.domain, [{ other: 1 }, { other: 1 }])).outputs).toHaveLength(2);
  });

  it('counts duplicates per step in the Prometheus registry', async () => {
    const { domain, context } = await step({ key: 'id' });
    await runDomain(domain, [{ id: 1 }, { id: 1 }, { id: 1 }]);
    const metric = await context.registry.getSingleMetricAsString('tapline_dedupe_duplicates_total');
    expect(metric).toContain(`tapline_dedupe_duplicates_total{step="${context.id}"} 2`);
  });

  it('refuses a key list that names a field twice', async () => {
    await expect(createPluginStep(dedupe, { key: ['a', 'a'] })).rejects.toMatchObject({
      code: 'TAPLINE_ERR_OPTIONS_INVALID',
      problems: [expect.objectContaining({ path: expect.stringMatching(/\/key$/) })],
    });
  });
});
