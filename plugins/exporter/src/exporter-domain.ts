import {
  BaseDomain,
  ExportError,
  ShutdownError,
  messageOf,
  type DomainIdentity,
  prometheus,
  type Receipt,
} from '@tapline/core';
import { createTarget } from './create-target.js';
import { registerTargetMetrics } from './target-metrics.js';
import type { ExporterOptions } from './options.js';
import type { ExportTarget } from './target.js';

/** What the exporter needs from its plugin context. */
export interface ExporterContext extends DomainIdentity {
  /** Relative file paths resolve against it; the working directory when absent. */
  readonly configDir?: string;
  /** Where `tapline_export_records_total` and `tapline_export_auth_rejected_total` are registered, when given. */
  readonly registry?: prometheus.Registry;
}

/**
 * Writes every message, serialized once, to each of its targets, and returns the exporter's one
 * frozen receipt once every target has it for good (a file: its batch's write returned). One a
 * target cannot take (after retries) fails with `ExportError`, so the host dead-letters it; it
 * may then already be in the other targets.
 */
export class ExporterDomain extends BaseDomain<unknown, Receipt> {
  readonly targets: readonly ExportTarget[];
  /** Shared by every message: the same targets take every message, so there is nothing per message to say. */
  readonly receipt: Receipt;
  private readonly timestampField: string | undefined;
  private opened: Promise<void> | undefined;
  private closed: Promise<void> | undefined;

  constructor(options: ExporterOptions, ctx: ExporterContext = {}) {
    super(ctx);
    const { retries, retryDelayMs, retryMaxDelayMs } = options;
    const retry = { retries, retryDelayMs, retryMaxDelayMs };
    this.timestampField = options.timestampField;
    const dir = ctx.configDir ?? process.cwd();
    this.targets = options.targets.map((t) => createTarget(t, retry, dir, this.log));
    this.receipt = Object.freeze({
      delivered: this.targets.length,
      targets: Object.freeze(this.targets.map((t) => t.name)),
    });
    if (ctx.registry !== undefined) registerTargetMetrics(ctx.registry, this.id, this.targets);
  }

  override initialize(): Promise<void> {
    return (this.opened ??= this.openAll());
  }

  execute(input: unknown): Promise<Receipt> {
    if (
      this.timestampField !== undefined &&
      input !== null &&
      typeof input === 'object' &&
      !Array.isArray(input)
    ) {
      (input as Record<string, unknown>)[this.timestampField] = performance.timeOrigin + performance.now();
    }
    const json = serialize(input);
    const targets = this.targets;
    if (targets.length === 1) return this.receiptOf(targets[0]!.write(json));
    const waits: Promise<void>[] = [];
    for (let i = 0; i < targets.length; i++) waits.push(targets[i]!.write(json));
    return Promise.all(waits).then(this.toReceipt);
  }

  /** Reopens the file targets at their paths (log rotation). */
  override reopen(): void {
    for (const t of this.targets) t.reopen?.();
  }

  private readonly toReceipt = (): Receipt => this.receipt;
  private lastWrite: Promise<void> | undefined;
  private lastReceipt: Promise<Receipt> | undefined;

  /**
   * The receipt once `written` settles. A file target answers every record of a batch with the
   * batch's one promise: its records then share one receipt promise instead of one each.
   */
  private receiptOf(written: Promise<void>): Promise<Receipt> {
    if (written !== this.lastWrite) {
      this.lastWrite = written;
      this.lastReceipt = written.then(this.toReceipt);
    }
    return this.lastReceipt!;
  }

  /** Flushes and closes every target; throws `TAPLINE_ERR_FLUSH_FAILED` when one could not flush. */
  override shutdown(): Promise<void> {
    return (this.closed ??= this.closeAll());
  }

  private async openAll(): Promise<void> {
    const results = await Promise.allSettled(this.targets.map((t) => t.open()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed === undefined) return;
    await Promise.allSettled(this.targets.map((t) => t.close()));
    throw failed.reason;
  }

  private async closeAll(): Promise<void> {
    await this.opened?.catch(() => {});
    const results = await Promise.allSettled(this.targets.map((t) => t.close()));
    const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    if (errors.length === 0) return;
    const cause = errors.length === 1 ? errors[0] : new AggregateError(errors);
    throw new ShutdownError(
      'TAPLINE_ERR_FLUSH_FAILED',
      `The exporter could not flush ${errors.length} target(s): ${errors.map(messageOf).join('; ')}`,
      cause,
    );
  }
}

function serialize(input: unknown): string {
  let json: string | undefined;
  try {
    json = JSON.stringify(input);
  } catch (err) {
    throw new ExportError('every target', `the message is not JSON-serializable: ${messageOf(err)}`, err);
  }
  if (json === undefined) throw new ExportError('every target', `a ${typeof input} is not JSON`);
  return json;
}
