import type { OutputBooks } from '@tapline/core';
import type { DurationStats, OperationMetrics } from '@tapline/core/internal';

/** What `tapline top` reads of `/api/metrics`. Figures a host may not report are optional. */
export interface TopMetrics {
  readonly state: string;
  readonly uptimeMs: number;
  readonly accounting: Readonly<Record<string, number>> & { readonly received: number };
  readonly operations: Readonly<Record<string, TopOperation>>;
  readonly steps: ReadonlyArray<{
    readonly id: string;
    readonly kind: string;
    readonly outputs?: TopTarget[];
    /** A source's: absent from a host that does not report them. */
    readonly ready?: boolean;
    readonly redelivered?: number;
  }>;
}

type Percentiles = Pick<DurationStats, 'count' | 'p50' | 'p99'>;

/**
 * A step's figures as the Monitor reports them (`OperationMetrics`); queue wait and utilisation
 * are optional, since a host from before the per-batch Monitor does not report them.
 */
type TopOperation = Pick<
  OperationMetrics,
  'domain' | 'operation' | 'success' | 'dropped' | 'errors' | 'errorTypes'
> & {
  readonly durations: Percentiles;
  readonly queueWait?: Percentiles;
  readonly utilisation?: number;
};

/** An exporter target's books as the host reports them (`OutputBooks`). */
type TopTarget = Pick<
  OutputBooks,
  | 'name'
  | 'type'
  | 'maxRecords'
  | 'queued'
  | 'oldestAgeMs'
  | 'written'
  | 'deadLettered'
  | 'buffer'
  | 'buffered'
  | 'delivered'
  | 'lagBytes'
  | 'logBytes'
>;

/** One step's line. A figure the host does not report is undefined, never made up. */
export interface StepRow {
  readonly id: string;
  readonly kind: string;
  /** Records in and out per second since the previous poll; undefined on the first. */
  readonly inRate: number | undefined;
  readonly outRate: number | undefined;
  readonly handled: number;
  readonly dropped: number;
  readonly errors: number;
  readonly errorTypes: Readonly<Record<string, number>>;
  readonly p50Ms: number | undefined;
  readonly p99Ms: number | undefined;
  readonly waitP50Ms: number | undefined;
  readonly waitP99Ms: number | undefined;
  readonly utilisation: number | undefined;
}

/** A source's state: whether it takes messages in, and what its broker delivered again. */
export interface SourceRow {
  readonly id: string;
  /** Undefined when the host does not say. */
  readonly ready: boolean | undefined;
  /** Undefined for a source that cannot tell. */
  readonly redelivered: number | undefined;
}

/** One exporter target's line. */
export interface TargetRow extends TopTarget {
  readonly step: string;
  /** `queued / maxRecords`, 0 to 1. */
  readonly fill: number;
}

export interface TopView {
  readonly state: string;
  readonly uptimeMs: number;
  readonly accounting: TopMetrics['accounting'];
  /** Records received per second since the previous poll. */
  readonly receivedRate: number | undefined;
  readonly sources: SourceRow[];
  readonly steps: StepRow[];
  readonly targets: TargetRow[];
}

/** A step's counts summed over its operations, as the dashboard does; the timings are its handle()'s. */
function totals(m: TopMetrics, id: string) {
  let success = 0;
  let errors = 0;
  let dropped = 0;
  const errorTypes: Record<string, number> = {};
  let handle: TopOperation | undefined;
  for (const op of Object.values(m.operations)) {
    if (op.domain !== id) continue;
    success += op.success;
    errors += op.errors;
    dropped += op.dropped;
    for (const [code, n] of Object.entries(op.errorTypes)) errorTypes[code] = (errorTypes[code] ?? 0) + n;
    if (op.operation === 'handle') handle = op;
  }
  return { success, errors, dropped, errorTypes, handle };
}

const seen = (p: Percentiles | undefined, key: 'p50' | 'p99') =>
  p === undefined || p.count === 0 ? undefined : p[key];

/** The figures of `now`, with rates taken against `before` polled `seconds` earlier. */
export function topView(now: TopMetrics, before?: TopMetrics, seconds?: number): TopView {
  const rate = (a: number, b: number | undefined) =>
    b === undefined || seconds === undefined || seconds <= 0 ? undefined : Math.max(0, a - b) / seconds;
  const steps = now.steps.map((step): StepRow => {
    const t = totals(now, step.id);
    const p = before === undefined ? undefined : totals(before, step.id);
    const handled = t.success + t.errors;
    return {
      id: step.id,
      kind: step.kind,
      inRate: rate(handled, p && p.success + p.errors),
      outRate: rate(t.success - t.dropped, p && p.success - p.dropped),
      handled,
      dropped: t.dropped,
      errors: t.errors,
      errorTypes: t.errorTypes,
      p50Ms: seen(t.handle?.durations, 'p50'),
      p99Ms: seen(t.handle?.durations, 'p99'),
      waitP50Ms: seen(t.handle?.queueWait, 'p50'),
      waitP99Ms: seen(t.handle?.queueWait, 'p99'),
      utilisation: t.handle?.utilisation,
    };
  });
  const targets = now.steps.flatMap((step) =>
    (step.outputs ?? []).map((o): TargetRow => ({
      ...o,
      step: step.id,
      fill: o.maxRecords > 0 ? o.queued / o.maxRecords : 0,
    })),
  );
  return {
    state: now.state,
    uptimeMs: now.uptimeMs,
    accounting: now.accounting,
    receivedRate: rate(now.accounting.received, before?.accounting.received),
    sources: now.steps
      .filter((s) => s.kind === 'source')
      .map((s) => ({ id: s.id, ready: s.ready, redelivered: s.redelivered })),
    steps,
    targets,
  };
}

/** How often `top` polls and redraws. */
export const REFRESH_MS = 1000;

/** The orders `s` steps through: the pipeline's own first. */
export const SORTS = ['pipeline', 'msg/s in', 'errors', 'p99'] as const;
export type Sort = (typeof SORTS)[number];

export function sortSteps(rows: readonly StepRow[], sort: Sort): StepRow[] {
  const by = (f: (r: StepRow) => number | undefined) => [...rows].sort((a, b) => (f(b) ?? -1) - (f(a) ?? -1));
  if (sort === 'msg/s in') return by((r) => r.inRate);
  if (sort === 'errors') return by((r) => r.errors);
  if (sort === 'p99') return by((r) => r.p99Ms);
  return [...rows];
}
