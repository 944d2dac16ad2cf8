// What the dashboard reads of the host's answers. Each type is the part of the host's own type
// that the page uses; packages/host/test/http/dashboard-types.ts ties them together, so the
// compiler reports a field the host renamed or dropped.

/** The part of `/api/metrics` (the host's `getMetrics()`, `HostMetrics`) that the dashboard reads. */
export interface DashboardMetrics {
  readonly state: string;
  readonly uptimeMs: number;
  readonly durationsWindow: number;
  readonly accounting: Accounting;
  /** Absent when no source can tell. */
  readonly redelivered?: number;
  readonly latency: Latency;
  readonly steps: readonly Step[];
  readonly operations: Readonly<Record<string, Operation>>;
  readonly reloads?: Reloads;
}

/** `AccountingSnapshot`'s outcomes. */
export interface Accounting {
  readonly received: number;
  readonly completed: number;
  readonly dropped: number;
  readonly failed: number;
  readonly lost: number;
  readonly inFlight: number;
}

export interface Latency {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
}

export interface Step {
  readonly id: string;
  readonly plugin: string;
  readonly kind: string;
  readonly input: string;
  readonly output: string;
  /** A step's named outputs (an exporter's targets), with their books. */
  readonly outputs?: readonly OutputRow[];
  /** A source: whether it takes messages in now; absent for other steps. */
  readonly ready?: boolean;
  /** A source that can tell: the messages it took in that its broker had delivered before. */
  readonly redelivered?: number;
}

export interface OutputRow {
  readonly name: string;
  readonly type: string;
  readonly whenFull: string;
  readonly route: string;
  readonly maxRecords: number;
  readonly routed: number;
  readonly written: number;
  readonly dropped: number;
  readonly deadLettered: number;
  readonly lost: number;
  readonly queued: number;
  readonly waiting: number;
  readonly oldestAgeMs: number;
  /** `disk` for a durable disk buffer; absent for the memory queue. */
  readonly buffer?: 'disk';
  /** Disk buffer: records in the log not yet delivered to the target (its cursor's lag). */
  readonly buffered?: number;
  /** Disk buffer: bytes of the log's segment files. */
  readonly logBytes?: number;
  /** Disk buffer: bytes of the log from the target's cursor on. */
  readonly lagBytes?: number;
}

/** `OperationMetrics`. */
export interface Operation {
  readonly domain: string;
  readonly operation: string;
  readonly success: number;
  readonly dropped: number;
  readonly errors: number;
  readonly errorTypes: Readonly<Record<string, number>>;
  readonly durations: { readonly p50: number; readonly p99: number };
  readonly queueWait: { readonly p50: number; readonly p99: number };
}

export interface Reloads {
  readonly success: number;
  readonly failure: number;
  readonly queued: number;
  readonly last?: {
    /** ISO 8601. */
    readonly at: string;
    readonly result: 'success' | 'failure';
    readonly error?: string;
  };
}

/** `GET /api/failures` (`RecentFailuresSnapshot`). */
export interface Failures {
  readonly total: number;
  readonly byCode: Readonly<Record<string, number>>;
  /** Newest first. */
  readonly recent: readonly Failure[];
}

export interface Failure {
  /** ISO 8601. */
  readonly time: string;
  readonly step: string;
  /** Absent for a late dead letter of a record carried over a restart. */
  readonly messageId?: number;
  readonly errorType: string;
  readonly message: string;
  readonly targets?: readonly string[];
  /** The start of the payload, as text. */
  readonly payload: string;
  readonly truncated: boolean;
  /** A late dead letter: the record had completed, and an output gave up on it later. */
  readonly late?: true;
}

/** `GET /api/history` (`MetricsHistorySnapshot`). */
export interface History {
  /** The host's clock when it answered, ms since the epoch. */
  readonly now: number;
  readonly intervalMs: number;
  /** Oldest first. */
  readonly samples: readonly Sample[];
}

/** The counters at one moment: a sample of the host's history, or one the page took from a poll. */
export interface Sample {
  /** When it was taken, in ms since the epoch. */
  readonly t: number;
  readonly accounting: Accounting;
  readonly latency: Latency;
  /** By step id. */
  readonly steps: Readonly<Record<string, StepCounts>>;
}

export interface StepCounts {
  /** `success + errors`. */
  readonly handled: number;
  readonly dropped: number;
  readonly errors: number;
}

/** One line of `GET /api/tap` (NDJSON): a record a step took in, handed on, dropped or failed. */
export interface TapRecord {
  readonly type: 'record';
  readonly step: string;
  readonly side: TapSide;
  readonly id: number;
  /** ISO 8601. */
  readonly time: string;
  readonly record: unknown;
  /** Why it was dropped (`dropped`). */
  readonly reason?: string;
  /** What it failed with (`failed`). */
  readonly error?: { readonly code: string; readonly message: string };
}

/** Samples the tap's buffer had no room for: skipped, counted. */
export interface TapSkipped {
  readonly type: 'skipped';
  readonly count: number;
}

export type TapSide = 'output' | 'input' | 'dropped' | 'failed';
