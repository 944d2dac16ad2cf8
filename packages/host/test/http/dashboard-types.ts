// The dashboard's browser code is a project of its own (DOM, no Node), so it declares the part
// of each host answer it reads instead of importing the host's types. These checks tie each
// declaration to the host's type: renaming, dropping or retyping a field the page reads fails
// `pnpm typecheck` here.
import type { OutputBooks } from '@tapline/core';
import type { DurationStats, OperationMetrics } from '@tapline/core/internal';
import type {
  Accounting,
  DashboardMetrics,
  Failure,
  Failures,
  History,
  Latency,
  Operation,
  OutputRow,
  Reloads,
  Sample,
  Step,
  StepCounts as PageStepCounts,
} from '../../src/http/dashboard/browser/metrics.js';
import type { HistorySample, MetricsHistorySnapshot, StepCounts } from '../../src/http/metrics-history.js';
import type { ReloadSnapshot } from '../../src/runtime/reload-stats.js';
import type { AccountingSnapshot } from '../../src/runtime/accounting.js';
import type { HostMetrics } from '../../src/runtime/host-types.js';
import type { RecentFailure, RecentFailuresSnapshot } from '../../src/runtime/recent-failures.js';

/**
 * True when what the host serves (`Served`) is a `Read` and every field `Read` declares is one
 * the host has: an optional field the host dropped would pass plain assignability.
 */
type Reads<Served, Read> = [Served] extends [Read]
  ? [Exclude<keyof Read, keyof Served>] extends [never]
    ? true
    : { missing: Exclude<keyof Read, keyof Served> }
  : { notAssignable: Read };

type Holds<T extends true> = T;

export type DashboardReadsTheHost = [
  Holds<Reads<HostMetrics, DashboardMetrics>>,
  Holds<Reads<AccountingSnapshot, Accounting>>,
  Holds<Reads<DurationStats, Latency>>,
  Holds<Reads<HostMetrics['steps'][number], Step>>,
  Holds<Reads<OutputBooks, OutputRow>>,
  Holds<Reads<OperationMetrics, Operation>>,
  Holds<Reads<ReloadSnapshot, Reloads>>,
  Holds<Reads<RecentFailuresSnapshot, Failures>>,
  Holds<Reads<RecentFailure, Failure>>,
  Holds<Reads<MetricsHistorySnapshot, History>>,
  Holds<Reads<HistorySample, Sample>>,
  Holds<Reads<StepCounts, PageStepCounts>>,
];
