/**
 * How often a {@link ThrottledReport} writes its summaries: 10 s, or `TAPLINE_REPORT_INTERVAL_MS`
 * when set (a shorter one lets a test see a summary without waiting).
 */
export function reportIntervalMs(env: NodeJS.ProcessEnv = process.env): number {
  const ms = Number(env.TAPLINE_REPORT_INTERVAL_MS);
  return Number.isInteger(ms) && ms > 0 ? ms : 10_000;
}

/**
 * Writes one kind of occurrence: `first` is true for an occurrence written at once, and then
 * `count` is 1; a summary has the occurrences since the last line and the latest of them.
 */
export type ReportWriter<D> = (latest: D, count: number, first: boolean) => void;

/**
 * One kind of occurrence (a step's failures with one error code, a metric's skips) that a
 * {@link ThrottledReport} writes. Counting one costs an increment and a reference: nothing is
 * allocated for an occurrence that is not written.
 */
export class ReportChannel<D> {
  /** Occurrences not written yet: the ones since the last line. */
  private count = 0;
  private latest: D | undefined;
  private active = false;

  /** @internal */
  constructor(
    private readonly report: ThrottledReport,
    private readonly write: ReportWriter<D>,
  ) {}

  /** Counts one occurrence: written at once when the channel was quiet, else in the next summary. */
  add(detail: D): void {
    if (this.active) {
      this.count++;
      this.latest = detail;
      return;
    }
    this.active = true;
    this.report.activate(this);
    this.write(detail, 1, true);
  }

  /**
   * Writes the summary of the occurrences since the last line, if any. Returns false when there
   * were none: the channel is quiet again, and its next occurrence is written at once.
   *
   * @internal
   */
  tick(): boolean {
    if (this.count === 0) {
      this.active = false;
      return false;
    }
    const { count, latest } = this;
    this.count = 0;
    this.latest = undefined;
    this.write(latest as D, count, false);
    return true;
  }
}

/**
 * Keeps a log readable when something happens at the rate of messages: each channel's first
 * occurrence is written at once, then one summary per interval with the count and the latest,
 * while occurrences go on. One timer for all the channels, running only while one is active,
 * and unref'd: it never keeps a process alive. `close` writes what is pending and stops it.
 */
export class ThrottledReport {
  private readonly active = new Set<{ tick(): boolean }>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    /** How long between two summaries of a channel. */
    readonly intervalMs: number = reportIntervalMs(),
  ) {}

  /** A new kind of occurrence, written by `write`. */
  channel<D>(write: ReportWriter<D>): ReportChannel<D> {
    return new ReportChannel(this, write);
  }

  /** @internal */
  activate(channel: { tick(): boolean }): void {
    this.active.add(channel);
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  /** Writes the pending summaries and stops the timer; channels may still be used after. */
  close(): void {
    this.tick();
    // A second tick finds each channel quiet: its next occurrence is then written at once.
    for (const c of this.active) c.tick();
    this.active.clear();
    this.stop();
  }

  private tick(): void {
    for (const c of this.active) if (!c.tick()) this.active.delete(c);
    if (this.active.size === 0) this.stop();
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
