import {
  BaseDomain,
  ExportError,
  ShutdownError,
  messageOf,
  type DomainIdentity,
  type Receipt,
} from '@tapline/core';
import { createTarget } from './create-target.js';
import type { ExporterOptions } from './options.js';
import type { ExportTarget } from './target.js';

/** What the exporter needs from its plugin context. */
export interface ExporterContext extends DomainIdentity {
  /** Relative file paths resolve against it; the working directory when absent. */
  readonly configDir?: string;
}

/**
 * Writes every message, serialized once, to each of its targets, and returns the exporter's one
 * frozen receipt. A message is acknowledged only once every target has it in its buffer; one a
 * target cannot take (after retries) fails with `ExportError`, so the host dead-letters it. It
 * may then already be in the targets listed before the failing one.
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
    const retry = {
      retries: options.retries ?? 3,
      retryDelayMs: options.retryDelayMs ?? 100,
      retryMaxDelayMs: options.retryMaxDelayMs ?? 5000,
    };
    this.timestampField = options.timestampField;
    const dir = ctx.configDir ?? process.cwd();
    this.targets = options.targets.map((t) => createTarget(t, retry, dir, this.log));
    this.receipt = Object.freeze({
      delivered: this.targets.length,
      targets: Object.freeze(this.targets.map((t) => t.name)),
    });
  }

  override initialize(): Promise<void> {
    return (this.opened ??= this.openAll());
  }

  execute(input: unknown): Receipt | Promise<Receipt> {
    if (
      this.timestampField !== undefined &&
      input !== null &&
      typeof input === 'object' &&
      !Array.isArray(input)
    ) {
      (input as Record<string, unknown>)[this.timestampField] = performance.timeOrigin + performance.now();
    }
    const json = serialize(input);
    let waits: Array<void | Promise<void>> | undefined;
    for (let i = 0; i < this.targets.length; i++) {
      const pending = this.targets[i]!.write(json);
      if (pending !== undefined) (waits ??= []).push(pending);
    }
    if (waits === undefined) return this.receipt;
    const receipt = this.receipt;
    return (waits.length === 1 ? waits[0]! : Promise.all(waits)).then(() => receipt);
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
