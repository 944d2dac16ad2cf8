import { ConfigError, prometheus } from '@tapline/core';
import { afterEach, describe, expect, it } from 'vitest';
import plugin, { MetricsDomain, OVERFLOW_METRIC, SKIPPED_METRIC, TRUNCATED_METRIC } from '../src/index.js';
import { runDomain, validateOptions } from '@tapline/testkit';
import { parsePrometheus, pick } from './helpers.js';

const domains: MetricsDomain[] = [];

/** A domain made as the host makes one: options validated, then create, then initialize. */
function metrics(raw: unknown, registry: prometheus.Registry, id = 'metrics'): MetricsDomain {
  const { options, problems } = validateOptions(plugin, raw);
  expect(problems).toEqual([]);
  const domain = new MetricsDomain(options!, { id, registry });
  domain.initialize();
  domains.push(domain);
  return domain;
}

async function feed(domain: MetricsDomain, records: Record<string, unknown>[]): Promise<void> {
  const { events } = await runDomain(domain, records);
  expect(events.error).toEqual([]);
}

const scrape = async (registry: prometheus.Registry) => parsePrometheus(await registry.metrics());

afterEach(() => {
  for (const d of domains.splice(0)) d.shutdown();
});

describe('metrics domain', () => {
  it('counts records by labels read from fields, missing fields as missingLabel', async () => {
    const registry = new prometheus.Registry();
    const d = metrics(
      {
        prefix: 'app_',
        missingLabel: 'none',
        counters: [
          { name: 'records_total', help: 'Records seen', labels: { service: 'service', level: 'level' } },
          { name: 'all_total' },
          { name: 'by_code_total', labels: { code: 'http.status' } },
        ],
      },
      registry,
    );
    await feed(d, [
      { service: 'api', level: 'info', http: { status: 200 } },
      { service: 'api', level: 'info', http: { status: 200 } },
      { service: 'api', level: 'error', http: { status: 500 } },
      { service: 'db', level: 'info' },
      { level: 'warn', http: { status: null } },
    ]);
    const { samples, types, help } = await scrape(registry);
    expect(types.app_records_total).toBe('counter');
    expect(help.app_records_total).toBe('Records seen');
    const records = pick(samples, 'app_records_total');
    expect(records).toHaveLength(4);
    expect(pick(samples, 'app_records_total', { service: 'api', level: 'info' })[0]!.value).toBe(2);
    expect(pick(samples, 'app_records_total', { service: 'api', level: 'error' })[0]!.value).toBe(1);
    expect(pick(samples, 'app_records_total', { service: 'none', level: 'warn' })[0]!.value).toBe(1);
    expect(pick(samples, 'app_all_total')).toEqual([{ name: 'app_all_total', labels: {}, value: 5 }]);
    expect(pick(samples, 'app_by_code_total', { code: '200' })[0]!.value).toBe(2);
    expect(pick(samples, 'app_by_code_total', { code: 'none' })[0]!.value).toBe(2);
  });

  it('cuts label values to maxLabelValueLength and counts each cut, keeping /metrics small', async () => {
    const registry = new prometheus.Registry();
    const d = metrics(
      { maxLabelValueLength: 8, counters: [{ name: 'by_service_total', labels: { service: 'service' } }] },
      registry,
      'm1',
    );
    const huge = 's'.repeat(100_000);
    await feed(d, [{ service: huge }, { service: huge + 'x' }, { service: 'api' }]);
    const text = await registry.metrics();
    expect(text.length).toBeLessThan(10_000);
    const { samples } = parsePrometheus(text);
    expect(pick(samples, 'by_service_total').map((s) => [s.labels.service, s.value])).toEqual([
      ['ssssssss', 2],
      ['api', 1],
    ]);
    expect(pick(samples, TRUNCATED_METRIC)).toEqual([
      { name: TRUNCATED_METRIC, labels: { step: 'm1', metric: 'by_service_total' }, value: 2 },
    ]);
    expect(d.snapshot().metrics[0]).toMatchObject({ truncated: 2 });
  });

  it('passes each record on unchanged, as the same object', async () => {
    const d = metrics({ counters: [{ name: 'c_total', labels: { a: 'a' } }] }, new prometheus.Registry());
    const record = { a: 'x', nested: { b: [1, 2] } };
    const copy = structuredClone(record);
    const { outputs } = await runDomain(d, [record]);
    expect(outputs).toHaveLength(1);
    expect(outputs[0]).toBe(record);
    expect(record).toEqual(copy);
  });

  it('caps distinct label sets per metric and counts the overflow', async () => {
    const registry = new prometheus.Registry();
    const d = metrics(
      {
        maxLabelSets: 3,
        counters: [
          { name: 'by_user_total', labels: { user: 'user' } },
          { name: 'by_user_wide_total', labels: { user: 'user' }, maxLabelSets: 100 },
        ],
      },
      registry,
      'm1',
    );
    await feed(
      d,
      Array.from({ length: 10 }, (_, i) => ({ user: `u${i % 5}` })),
    );
    const { samples } = await scrape(registry);
    expect(pick(samples, 'by_user_total').map((s) => s.labels.user)).toEqual(['u0', 'u1', 'u2']);
    expect(pick(samples, 'by_user_total', { user: 'u0' })[0]!.value).toBe(2);
    expect(pick(samples, 'by_user_wide_total')).toHaveLength(5);
    expect(pick(samples, OVERFLOW_METRIC)).toEqual([
      { name: OVERFLOW_METRIC, labels: { step: 'm1', metric: 'by_user_total' }, value: 4 },
    ]);
    expect(d.snapshot().metrics[0]).toMatchObject({ name: 'by_user_total', overflow: 4 });
  });

  it('observes histograms into their buckets and skips non-numeric fields, counted', async () => {
    const registry = new prometheus.Registry();
    const d = metrics(
      { histograms: [{ name: 'latency_ms', field: 'ms', buckets: [10, 100, 1000], labels: { svc: 'svc' } }] },
      registry,
    );
    await feed(d, [
      { svc: 'api', ms: 5 },
      { svc: 'api', ms: 50 },
      { svc: 'api', ms: 50 },
      { svc: 'api', ms: 5000 },
      { svc: 'api', ms: '12' },
      { svc: 'api' },
      { svc: 'db', ms: 100 },
    ]);
    const { samples, types } = await scrape(registry);
    expect(types.latency_ms).toBe('histogram');
    const buckets = pick(samples, 'latency_ms_bucket', { svc: 'api' }).map((s) => [s.labels.le, s.value]);
    expect(buckets).toEqual([
      ['10', 1],
      ['100', 3],
      ['1000', 3],
      ['+Inf', 4],
    ]);
    expect(pick(samples, 'latency_ms_sum', { svc: 'api' })[0]!.value).toBe(5105);
    expect(pick(samples, 'latency_ms_count', { svc: 'api' })[0]!.value).toBe(4);
    expect(pick(samples, 'latency_ms_bucket', { svc: 'db', le: '100' })[0]!.value).toBe(1);
    expect(pick(samples, SKIPPED_METRIC, { metric: 'latency_ms' })[0]!.value).toBe(2);
  });

  it('scales a field before observing it, each value landing on the bucket bound it equals', async () => {
    const registry = new prometheus.Registry();
    const buckets = [0.009, 0.013, 0.026];
    const d = metrics(
      { histograms: [{ name: 'latency_seconds', field: 'ms', scale: 0.001, buckets }] },
      registry,
    );
    // 9 * 0.001 is just above 0.009, and so are 13 and 26 over theirs: a division is not.
    await feed(d, [{ ms: 9 }, { ms: 13 }, { ms: 26 }, { ms: 2000 }]);
    const { samples } = await scrape(registry);
    const counts = pick(samples, 'latency_seconds_bucket').map((s) => [s.labels.le, s.value]);
    expect(counts).toEqual([
      ['0.009', 1],
      ['0.013', 2],
      ['0.026', 3],
      ['+Inf', 4],
    ]);
    expect(pick(samples, 'latency_seconds_sum')[0]!.value).toBeCloseTo(2.048, 9);
  });

  it('uses the Prometheus default buckets when a histogram names none, also in the JSON registry', async () => {
    const registry = new prometheus.Registry();
    const d = metrics({ histograms: [{ name: 'seconds', field: 's' }] }, registry);
    await feed(d, [{ s: 0.003 }, { s: 0.3 }, { s: 20 }]);
    const { samples } = await scrape(registry);
    const buckets = pick(samples, 'seconds_bucket', {}).map((s) => [s.labels.le, s.value]);
    expect(buckets.map(([le]) => le)).toEqual([
      '0.005',
      '0.01',
      '0.025',
      '0.05',
      '0.1',
      '0.25',
      '0.5',
      '1',
      '2.5',
      '5',
      '10',
      '+Inf',
    ]);
    expect(buckets.map(([, v]) => v)).toEqual([1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3]);
    const [json] = await registry.getMetricsAsJSON();
    expect(json).toMatchObject({ name: 'seconds', type: 'histogram' });
    expect(
      json!.values.find((v) => (v as { metricName?: string }).metricName === 'seconds_count')!.value,
    ).toBe(3);
  });

  it('sets gauges to the last value per label set', async () => {
    const registry = new prometheus.Registry();
    const d = metrics(
      { gauges: [{ name: 'queue_depth', field: 'depth', labels: { q: 'queue' } }] },
      registry,
    );
    await feed(d, [
      { queue: 'a', depth: 3 },
      { queue: 'b', depth: 7 },
      { queue: 'a', depth: 1 },
      { queue: 'a', depth: 'lots' },
    ]);
    const { samples, types } = await scrape(registry);
    expect(types.queue_depth).toBe('gauge');
    expect(pick(samples, 'queue_depth').map((s) => [s.labels.q, s.value])).toEqual([
      ['a', 1],
      ['b', 7],
    ]);
  });

  it('gives a plain JSON snapshot', async () => {
    const d = metrics(
      {
        counters: [{ name: 'c_total', labels: { l: 'level' } }],
        histograms: [{ name: 'h', field: 'v', buckets: [1] }],
      },
      new prometheus.Registry(),
      'snap',
    );
    await feed(d, [{ level: 'info', v: 2 }, { level: 'info', v: 3 }, { level: 'warn' }]);
    const snapshot = d.snapshot();
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
    expect(snapshot).toEqual({
      step: 'snap',
      metrics: [
        {
          name: 'c_total',
          type: 'counter',
          help: 'c_total, derived from records',
          labelNames: ['l'],
          overflow: 0,
          skipped: 0,
          truncated: 0,
          values: [
            { labels: { l: 'info' }, value: 2 },
            { labels: { l: 'warn' }, value: 1 },
          ],
        },
        {
          name: 'h',
          type: 'histogram',
          help: 'h, derived from records',
          labelNames: [],
          overflow: 0,
          skipped: 1,
          truncated: 0,
          values: [{ labels: {}, count: 2, sum: 5 }],
        },
      ],
    });
  });
});

describe('metrics lifecycle', () => {
  it('removes its metrics at shutdown, so another domain can register them again', async () => {
    const registry = new prometheus.Registry();
    const options = { counters: [{ name: 'c_total' }] };
    const first = metrics(options, registry);
    await feed(first, [{}]);
    first.shutdown();
    first.shutdown();
    expect((await scrape(registry)).samples).toEqual([]);
    const second = metrics(options, registry);
    await feed(second, [{}, {}]);
    expect(pick((await scrape(registry)).samples, 'c_total')[0]!.value).toBe(2);
  });

  it('is safe to shut down before initialize', () => {
    const { options } = validateOptions(plugin, { counters: [{ name: 'x_total' }] });
    const d = new MetricsDomain(options!, { registry: new prometheus.Registry() });
    expect(() => d.shutdown()).not.toThrow();
  });

  it('shares the overflow counter between steps of one registry, by step', async () => {
    const registry = new prometheus.Registry();
    const a = metrics(
      { maxLabelSets: 1, counters: [{ name: 'a_total', labels: { k: 'k' } }] },
      registry,
      'a',
    );
    const b = metrics(
      { maxLabelSets: 1, counters: [{ name: 'b_total', labels: { k: 'k' } }] },
      registry,
      'b',
    );
    await feed(a, [{ k: 1 }, { k: 2 }]);
    await feed(b, [{ k: 1 }, { k: 2 }, { k: 3 }]);
    const overflow = () => scrape(registry).then(({ samples }) => pick(samples, OVERFLOW_METRIC));
    expect((await overflow()).map((s) => [s.labels.step, s.value])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
    a.shutdown();
    expect((await overflow()).map((s) => s.labels.step)).toEqual(['b']);
    b.shutdown();
    expect(registry.getSingleMetric(OVERFLOW_METRIC)).toBeUndefined();
  });

  it('refuses a metric name another step registered, with its options path', () => {
    const registry = new prometheus.Registry();
    metrics({ counters: [{ name: 'dup_total' }] }, registry, 'one');
    const { options } = validateOptions(plugin, {
      counters: [{ name: 'ok_total' }, { name: 'dup_total' }],
    });
    const two = new MetricsDomain(options!, { id: 'two', registry });
    let error: unknown;
    try {
      two.initialize();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({
      code: 'TAPLINE_ERR_OPTIONS_INVALID',
      step: 'two',
      problems: [{ path: '/counters/1/name' }],
    });
    // What it had registered before the clash was removed again.
    expect(registry.getSingleMetric('ok_total')).toBeUndefined();
  });
});
