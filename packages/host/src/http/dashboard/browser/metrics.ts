/** The part of `/api/metrics` (the host's `getMetrics()`) that the dashboard reads. */
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
}

export interface Operation {
  readonly domain: string;
  readonly operation: string;
  readonly success: number;
  readonly dropped: number;
  readonly errors: number;
  readonly errorTypes: Readonly<Record<string, number>>;
  readonly durations: { readonly p50: number; readonly p99: number };
  /** Absent from a host older than the per-batch Monitor. */
  readonly queueWait?: { readonly p50: number; readonly p99: number };
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
