import { ThrottledReport, type ErrorEvent, type Logger, type ReportChannel } from '@tapline/core';

/**
 * Logs each step's failures at `warn`, per step and error code: the first at once, then one
 * line per interval with how many more there were and the latest message, so that a flood of
 * bad records leaves a readable log. The dead-letter file keeps every one.
 */
export class FailureLog {
  private readonly report: ThrottledReport;
  /** step id → error type → its channel; two lookups per failure, nothing made. */
  private readonly steps = new Map<string, Map<string, ReportChannel<ErrorEvent>>>();

  constructor(
    private readonly logger: Logger,
    intervalMs: number,
  ) {
    this.report = new ThrottledReport(intervalMs);
  }

  add(event: ErrorEvent): void {
    let byType = this.steps.get(event.domain);
    if (byType === undefined)
      this.steps.set(event.domain, (byType = new Map<string, ReportChannel<ErrorEvent>>()));
    let channel = byType.get(event.errorType);
    if (channel === undefined) byType.set(event.errorType, (channel = this.channel(event)));
    channel.add(event);
  }

  /** Writes what is pending and stops the timer. */
  close(): void {
    this.report.close();
  }

  private channel({ domain: step, errorType }: ErrorEvent): ReportChannel<ErrorEvent> {
    const seconds = this.report.intervalMs / 1000;
    return this.report.channel<ErrorEvent>((latest, count, first) => {
      if (first) {
        this.logger.warn(
          { step, errorType, messageId: latest.messageId, err: latest.cause },
          `step "${step}" failed a message (${errorType}): ${latest.message}`,
        );
        return;
      }
      this.logger.warn(
        { step, errorType, count, latest: latest.message },
        `step "${step}" failed ${count} more message(s) (${errorType}) in the last ${seconds} s; ` +
          `the latest: ${latest.message}`,
      );
    });
  }
}
