import {
  BaseDomain,
  DROP,
  prometheus,
  type JsonRecord,
  type MessageContext,
  type PluginContext,
} from '@tapline/core';
import type { DedupeOptions } from './options.js';
import { compileKey, missingKey, type KeyReader } from './record-key.js';

const DUPLICATES_METRIC = 'tapline_dedupe_duplicates_total';

/**
 * Drops a record whose key was first seen less than `windowMs` ago. Keys live in one Map in the
 * order they were first seen, so expiry and eviction both take from its front.
 */
export class DedupeDomain extends BaseDomain<JsonRecord, JsonRecord> {
  /** Records dropped as duplicates since this domain was made. */
  duplicates = 0;
  /** Keys forgotten before their window ended because `maxKeys` was reached. */
  evicted = 0;
  private readonly seen = new Map<unknown, number>();
  private readonly readKey: KeyReader;
  private counter: prometheus.Counter<'step'> | undefined;

  constructor(
    private readonly options: DedupeOptions,
    private readonly ctx: PluginContext,
  ) {
    super(ctx);
    this.readKey = compileKey(options.key);
  }

  override initialize(): void {
    // Several dedupe steps in one pipeline share the registry, so the counter is shared too.
    const existing = this.ctx.registry.getSingleMetric(DUPLICATES_METRIC);
    this.counter =
      (existing as prometheus.Counter<'step'> | undefined) ??
      new prometheus.Counter({
        name: DUPLICATES_METRIC,
        help: 'Records dropped by a dedupe step because their key was seen within the window.',
        labelNames: ['step'],
        registers: [this.ctx.registry],
      });
  }

  /** How many keys are remembered now. */
  get size(): number {
    return this.seen.size;
  }

  execute(record: JsonRecord, message: MessageContext): JsonRecord | typeof DROP {
    const key = this.readKey(record);
    if (key === undefined) {
      if (this.options.onMissingKey === 'forward') return record;
      throw missingKey(this.options.key);
    }
    // receivedAt is monotonic and already read: no clock read of our own per message.
    const now = message.receivedAt;
    this.expire(now);
    const firstSeen = this.seen.get(key);
    if (firstSeen !== undefined && now - firstSeen < this.options.windowMs) {
      this.duplicates++;
      this.counter?.inc({ step: this.id });
      return DROP;
    }
    if (firstSeen !== undefined) this.seen.delete(key); // re-inserted at the back below
    this.seen.set(key, now);
    if (this.seen.size > this.options.maxKeys) this.evictOldest();
    return record;
  }

  override shutdown(): void {
    this.seen.clear();
  }

  private expire(now: number): void {
    for (const [key, firstSeen] of this.seen) {
      if (now - firstSeen < this.options.windowMs) return;
      this.seen.delete(key);
    }
  }

  private evictOldest(): void {
    const oldest = this.seen.keys().next();
    if (oldest.done) return;
    this.seen.delete(oldest.value);
    this.evicted++;
  }
}
