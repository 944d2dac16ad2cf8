import { PATH_PATTERN, Type, type Static } from '@tapline/core';

export const METRIC_NAME_PATTERN = '^[a-zA-Z_:][a-zA-Z0-9_:]*$';
export const LABEL_NAME_PATTERN = '^[a-zA-Z_][a-zA-Z0-9_]*$';

// Field paths are core's: keys joined by dots, `[n]` or `.n` for indexes.
const Path = (description: string) => Type.String({ minLength: 1, pattern: PATH_PATTERN, description });
const common = {
  name: Type.String({ pattern: METRIC_NAME_PATTERN, description: 'the metric name (after the prefix)' }),
  help: Type.Optional(Type.String({ minLength: 1, description: 'the HELP text on /metrics' })),
  labels: Type.Optional(
    Type.Record(Type.String({ pattern: LABEL_NAME_PATTERN }), Path('the field a label value is read from'), {
      // TypeBox leaves keys that miss the pattern unchecked; they are not label names.
      additionalProperties: false,
      description: 'label name → field path',
    }),
  ),
  maxLabelSets: Type.Optional(
    Type.Integer({
      minimum: 1,
      description: 'distinct label sets for this metric (default: the top-level one)',
    }),
  ),
};

export const counterOptions = Type.Object(common, { additionalProperties: false });
export const gaugeOptions = Type.Object(
  { ...common, field: Path('the numeric field the gauge is set to') },
  { additionalProperties: false },
);
export const histogramOptions = Type.Object(
  {
    ...common,
    field: Path('the numeric field observed'),
    buckets: Type.Optional(
      Type.Array(Type.Number(), {
        minItems: 1,
        description: 'upper bounds, increasing, in the scaled unit (default: Prometheus defaults)',
      }),
    ),
    scale: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        description:
          'each value is multiplied by this before it is observed: 0.001 turns a field in milliseconds into seconds, the base unit Prometheus names want (default 1)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const metricsOptions = Type.Object(
  {
    prefix: Type.String({
      default: '',
      pattern: '^([a-zA-Z_:][a-zA-Z0-9_:]*)?$',
      description: 'prepended to every metric name',
    }),
    maxLabelSets: Type.Integer({
      minimum: 1,
      default: 1000,
      description: 'distinct label sets per metric; further ones are counted as overflow, not created',
    }),
    maxLabelValueLength: Type.Integer({
      minimum: 1,
      default: 256,
      description:
        'label values longer than this are cut to it and counted (tapline_metrics_label_truncated_total)',
    }),
    missingLabel: Type.String({
      default: '',
      description: 'the label value used when its field is missing or null',
    }),
    counters: Type.Array(counterOptions, { default: [] }),
    gauges: Type.Array(gaugeOptions, { default: [] }),
    histograms: Type.Array(histogramOptions, { default: [] }),
  },
  { additionalProperties: false },
);

export type MetricsOptions = Static<typeof metricsOptions>;
export type CounterOptions = Static<typeof counterOptions>;
export type GaugeOptions = Static<typeof gaugeOptions>;
export type HistogramOptions = Static<typeof histogramOptions>;
