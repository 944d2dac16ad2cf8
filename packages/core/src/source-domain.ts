import { BaseDomain, type AnyDomain, type DomainIdentity } from './base-domain.js';
import { unboundedIntake, type Intake } from './intake.js';
import type { MessageContext } from './message-context.js';

/**
 * How a message ended, once that is durable: `completed` (the last step's work is done and its
 * targets took the record), `dropped` (a step filtered it out), `failed` (a step raised and its
 * dead letter was written), or `lost` (a step raised and its dead letter could not be written).
 */
export type Outcome = 'completed' | 'dropped' | 'failed' | 'lost';

/**
 * Marks every SourceDomain for {@link isSource}. A registered symbol, unlike `instanceof`, also
 * recognises a source built against another copy of `@tapline/core`.
 */
const SOURCE: unique symbol = Symbol.for('tapline.source-domain');
/** Where a source's prototype keeps the way to connect its intake, for {@link connectIntake}. */
const CONNECT = Symbol.for('tapline.source-connect');

/**
 * A domain that takes messages in from outside the process. Its plugin's manifest declares
 * `kind: 'source'`, which the host checks the chain by before any domain exists. The host starts sources after
 * every other step is initialized, and stops them first.
 *
 * A source reads raw messages and passes what it took in since the chain last ran to
 * {@link SourceDomain.ingestBatch} (or one to {@link SourceDomain.ingest}), which accounts them
 * with the host and runs them through `handleBatch` (so the source's own `execute` decodes them).
 */
export abstract class SourceDomain<TRaw = unknown, TOut = unknown> extends BaseDomain<TRaw, TOut> {
  #intake: Intake = unboundedIntake;

  static {
    // On the prototype and under a registered symbol, so that the host connects a source built
    // against another copy of `@tapline/core` too (see `connectIntake`).
    Object.defineProperty(SourceDomain.prototype, CONNECT, {
      value(this: SourceDomain, intake: Intake): void {
        this.#intake = intake;
      },
    });
  }

  constructor(identity?: DomainIdentity) {
    super(identity);
  }

  /**
   * How the source hands messages to the host: connected by the host before `start`; sources
   * wait on it while the host is at `maxInFlight`. Without a host it accepts everything.
   */
  get intake(): Intake {
    return this.#intake;
  }

  /**
   * Define this to be told how each message this source took in ended: exactly once per
   * message, after the outcome is durable (see {@link Outcome}). An acknowledging source acks
   * here. Sources that do not define it cost the host nothing per message. It must not throw.
   */
  settled?(message: MessageContext, outcome: Outcome): void;

  /**
   * Whether the source can take messages in now. Override it when a started source can lose
   * that (its broker connection is down and reconnecting, say): while it is false the host
   * reports not ready. Read by `/readyz`, never per message.
   */
  get ready(): boolean {
    return true;
  }

  /**
   * Messages taken in that the broker had delivered before (an earlier delivery was never
   * acknowledged): an acknowledging source overrides this; undefined for sources that cannot
   * tell. Shown on the dashboard; read per scrape, never per message.
   */
  get redelivered(): number | undefined {
    return undefined;
  }

  /** Begin taking messages in. Resolves once intake has begun (the socket is bound, say). */
  abstract start(): Promise<void>;

  /**
   * Stop taking messages in, process what already reached this process (a socket's local
   * queue included), then release the intake. Resolves when all of that has been handed on.
   */
  abstract stop(): Promise<void>;

  /** Accounts one raw message with the host and runs it through the chain, a batch of one. */
  protected ingest(raw: TRaw, attributes?: Record<string, unknown>): void | Promise<void> {
    return this.ingestBatch([raw], attributes === undefined ? undefined : [attributes]);
  }

  /**
   * Accounts a batch of raw messages with the host (what the source took in since the chain
   * last ran: at most `intake.room` and `intake.batchMax`, never waiting for more) and runs it
   * through the chain as one batch. `receivedAt` is when the source began taking the batch in
   * (monotonic ms, one clock read for the batch); the time from it to the chain's start is the
   * source's queue wait. `attributes[i]` belongs to `raws[i]`.
   */
  protected ingestBatch(
    raws: readonly TRaw[],
    attributes?: ReadonlyArray<Record<string, unknown> | undefined>,
    receivedAt?: number,
  ): void | Promise<void> {
    const n = raws.length;
    if (n === 0) return;
    const startedAt = performance.now();
    const at = receivedAt ?? startedAt;
    const messages = new Array<MessageContext>(n);
    const intake = this.intake;
    for (let i = 0; i < n; i++) messages[i] = intake.accept(this.id, raws[i], attributes?.[i], at);
    this.meter?.waited(n, startedAt - at);
    return this.handleBatch(raws, messages, startedAt);
  }
}

Object.defineProperty(SourceDomain.prototype, SOURCE, { value: true });

/**
 * Connects the intake a source hands its messages to: the host's accounting, or a test's
 * bounded intake. Call before `start`.
 * @internal
 */
export function connectIntake(source: AnySource, intake: Intake): void {
  (source as unknown as { [CONNECT](intake: Intake): void })[CONNECT](intake);
}

/** Whether a domain is a source (a {@link SourceDomain}). */
export function isSource(domain: AnyDomain): domain is AnySource {
  return (domain as { [SOURCE]?: unknown })[SOURCE] === true;
}

/** A source of whatever types (see {@link AnyDomain}). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as AnyDomain
export type AnySource = SourceDomain<any, any>;
