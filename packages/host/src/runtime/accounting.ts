import { DurationWindow, createMessageContext, type Intake, type MessageContext } from '@tapline/core';

/** Every received message ends in exactly one outcome; `inFlight` are those not ended yet. */
export interface AccountingSnapshot {
  readonly received: number;
  readonly completed: number;
  readonly dropped: number;
  readonly failed: number;
  /** `received - completed - dropped - failed`. */
  readonly inFlight: number;
}

const RESOLVED = Promise.resolve();

/**
 * The host's intake and ledger. Sources take messages in through it (`accept`), the wiring
 * reports each outcome (`complete`, `drop`, `fail`), and `inFlight` is derived, so
 * `received = completed + dropped + failed + inFlight` holds at every moment by construction.
 * Backpressure: `hasCapacity` is `inFlight < maxInFlight` while nothing holds intake (`hold`);
 * every waiting source shares one promise, resolved when capacity comes back.
 */
export class Accounting implements Intake {
  received = 0;
  completed = 0;
  dropped = 0;
  failed = 0;
  /** End-to-end latency, `receivedAt` to the last step's completion. */
  readonly latency: DurationWindow;
  private capacity: Promise<void> | undefined;
  private wakeCapacity: (() => void) | undefined;
  private drain: Promise<void> | undefined;
  private wakeDrain: (() => void) | undefined;
  /** Reasons intake is held besides the in-flight limit (a congested dead-letter file). */
  private holds = 0;

  constructor(
    readonly maxInFlight: number,
    durationsWindow: number,
  ) {
    this.latency = new DurationWindow(durationsWindow);
  }

  get inFlight(): number {
    return this.received - this.completed - this.dropped - this.failed;
  }

  get hasCapacity(): boolean {
    return this.holds === 0 && this.received - this.completed - this.dropped - this.failed < this.maxInFlight;
  }

  /** Holds intake, whatever is in flight, until as many `release` calls. */
  hold(): void {
    this.holds++;
  }

  release(): void {
    if (this.holds > 0) this.holds--;
    this.settled();
  }

  waitForCapacity(): Promise<void> {
    if (this.hasCapacity) return RESOLVED;
    this.capacity ??= new Promise<void>((resolve) => (this.wakeCapacity = resolve));
    return this.capacity;
  }

  accept(source: string, raw?: unknown, attributes?: Record<string, unknown>): MessageContext {
    this.received++;
    return createMessageContext(source, raw, attributes);
  }

  /** The last step handled the message. */
  complete(message: MessageContext): void {
    this.completed++;
    // BaseDomain sets `mark` to the end of the step that just handled it: no extra clock read.
    this.latency.add(message.mark - message.receivedAt);
    this.settled();
  }

  drop(): void {
    this.dropped++;
    this.settled();
  }

  fail(): void {
    this.failed++;
    this.settled();
  }

  /** Resolves once nothing is in flight. */
  drained(): Promise<void> {
    if (this.inFlight <= 0) return RESOLVED;
    this.drain ??= new Promise<void>((resolve) => (this.wakeDrain = resolve));
    return this.drain;
  }

  snapshot(): AccountingSnapshot {
    const { received, completed, dropped, failed } = this;
    return { received, completed, dropped, failed, inFlight: received - completed - dropped - failed };
  }

  private settled(): void {
    if (this.wakeCapacity !== undefined && this.hasCapacity) {
      const wake = this.wakeCapacity;
      this.wakeCapacity = undefined;
      this.capacity = undefined;
      wake();
    }
    if (this.wakeDrain !== undefined && this.inFlight <= 0) {
      const wake = this.wakeDrain;
      this.wakeDrain = undefined;
      this.drain = undefined;
      wake();
    }
  }
}
