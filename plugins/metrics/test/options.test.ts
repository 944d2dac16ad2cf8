import { describe, expect, it } from 'vitest';
import plugin from '../src/index.js';
import { validateOptions } from '@tapline/testkit';

const paths = (raw: unknown) => validateOptions(plugin, raw).problems.map((p) => p.path);

describe('metrics options', () => {
  it('applies defaults', () => {
    expect(validateOptions(plugin, {}).options).toEqual({
      prefix: '',
      maxLabelSets: 1000,
      maxLabelValueLength: 256,
      missingLabel: '',
      counters: [],
      gauges: [],
      histograms: [],
    });
  });

  it('accepts a realistic set of metrics', () => {
    const { options, problems } = validateOptions(plugin, {
      prefix: 'app_',
      counters: [
        {
          name: 'records_total',
          help: 'Records by service and level',
          labels: { service: 'service', level: 'level' },
        },
      ],
      gauges: [{ name: 'queue_depth', field: 'queue.depth', labels: { queue: 'queue.name' } }],
      histograms: [
        {
          name: 'latency_ms',
          field: 'latencyMs',
          buckets: [5, 10, 50, 100, 500],
          labels: { service: 'service' },
        },
      ],
    });
    expect(problems).toEqual([]);
    expect(options?.prefix).toBe('app_');
  });

  it('refuses bad names, label names, paths and shapes with their paths', () => {
    expect(paths({ counters: [{ name: 'bad-name' }] })).toEqual(['/counters/0/name']);
    expect(paths({ counters: [{ name: 'ok', labels: { 'bad label': 'x' } }] })).toContain(
      '/counters/0/labels/bad label',
    );
    expect(paths({ gauges: [{ name: 'g', field: 'a..b' }] })).toEqual(['/gauges/0/field']);
    expect(paths({ gauges: [{ name: 'g' }] })).toEqual(['/gauges/0/field']);
    expect(paths({ histograms: [{ name: 'h', field: 'x', buckets: [] }] })).toEqual([
      '/histograms/0/buckets',
    ]);
    expect(paths({ maxLabelSets: 0 })).toEqual(['/maxLabelSets']);
    expect(paths({ counters: [{ name: 'c', colour: 'red' }] })).toEqual(['/counters/0/colour']);
  });

  it('reports duplicate names, reserved labels and unordered buckets (check)', () => {
    expect(
      paths({
        prefix: 'p_',
        counters: [{ name: 'a' }, { name: 'a' }, { name: 'b', labels: { __x: 'x' } }],
        gauges: [{ name: 'a', field: 'v' }],
        histograms: [{ name: 'h', field: 'v', buckets: [1, 5, 5], labels: { le: 'x' } }],
      }),
    ).toEqual([
      '/counters/1/name',
      '/counters/2/labels/__x',
      '/gauges/0/name',
      '/histograms/0/labels/le',
      '/histograms/0/buckets',
    ]);
    expect(paths({ counters: [{ name: 'tapline_metrics_skipped_total' }] })).toEqual(['/counters/0/name']);
  });

  it('declares its output as the type it is fed', () => {
    expect(
      typeof plugin.output === 'function' && plugin.output(validateOptions(plugin, {}).options!, 'record'),
    ).toBe('record');
  });
});
