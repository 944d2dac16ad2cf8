import type { ReportedCodes } from '@tapline/core/internal';

/** How a reload ended: applied, or not (invalid config, or a swap rolled back). */
export type ReloadResult = 'success' | 'failure';

/** What the host reports of config reloads (`/api/metrics` `reloads`). */
export interface ReloadSnapshot {
  readonly success: number;
  readonly failure: number;
  /** Requested and not started yet: they run one after the other, none is dropped. */
  readonly queued: number;
  readonly last?: {
    /** When it ended, ISO 8601. */
    readonly at: string;
    readonly result: ReloadResult;
    readonly durationMs: number;
    /** Why it failed. */
    readonly error?: string;
    readonly code?: string;
    /** The code of what a step's plugin threw, when `code` is `TAPLINE_ERR_PLUGIN_FAILED`. */
    readonly causeCode?: string;
  };
}

/** The counts behind `tapline_config_reloads_total{result}` and the last reload. */
export class ReloadStats {
  success = 0;
  failure = 0;
  queued = 0;
  private last: ReloadSnapshot['last'];

  record(result: ReloadResult, durationMs: number, failure?: { message: string } & ReportedCodes): void {
    this[result]++;
    const { message, ...codes } = failure ?? {};
    this.last = {
      at: new Date().toISOString(),
      result,
      durationMs,
      ...(message === undefined ? {} : { error: message, ...codes }),
    };
  }

  snapshot(): ReloadSnapshot {
    const { success, failure, queued, last } = this;
    return last === undefined ? { success, failure, queued } : { success, failure, queued, last };
  }
}
