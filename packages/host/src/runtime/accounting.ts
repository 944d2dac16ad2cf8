import { createMessageContext, type Intake, type MessageContext, type Outcome } from '@tapline/core';
import { DurationHistogram, markOf } from '@tapline/core/internal';
import { MessageTable } from './message-table.js';

/** Every received message ends in exactly one outcome; `inFlight` are those not ended yet. */
export interface AccountingSnapshot {
  readonly received: number;
  /** The last step handled it and its targets took the record. */
  readonly completed: number;
  readonly dropped: number;
  /** A step raised and its dead letter was written: as many as the dead letters on disk. */
  readonly failed: number;
  /** A step raised and its dead letter could not be written; never counted in `failed`. */
  readonly lost: number;
  /** `received - completed - dropped - failed - lost`. */
  readonly inFlight: number;
  /** Of `inFlight`, those a step holds in a bounded buffer of its own (an output's queue). */
  readonly held: number;
  /** `dropped` by reason: `filtered` for a step's plain `DROP`, else the reason it gave. */
  readonly droppedBy: Readonly<Record<string, number>>;
}

const RESOLVED = Promise.resolve();

/**
 * The host's intake and ledger. Sources take messages in through it (`accept`); each message
 * then settles exactly once: `complete`, `drop`, or `failing` followed by `fail` once its dead
 * letter was written (`failed`) or could not be (`lost`). A message settles only once its
 * outcome is durable, so `inFlight` counts what is not yet safe, and `received = completed +
 * dropped + failed + lost + inFlight` holds at every moment. A second outcome for a message
 * (one given up on at a stop deadline, say) is ignored. Backpressure: `hasCapacity` is
 * `inFlight < maxInFlight`; every waiting source shares one promise, resolved when capacity
 * comes back.
 */
export class Accounting implements Intake {
  received = 0;
  completed = 0;
  dropped = 0;
  failed = 0;
  lost = 0;
  /** In flight and held in a step's own bounded buffer: not counted against `maxInFlight`. */
  held = 0;
  /** `dropped` by reason. */
  readonly droppedBy: Record<string, number> = { filtered: 0 };
  /** End-to-end latency, `receivedAt` to the moment the last step was done with the record. */
  readonly latency: DurationHistogram;
  /** Told each outcome when the source asked for it (`SourceDomain.settled`). */
  notify: ((message: MessageContext, outcome: Outcome) => void) | undefined;
  /** Told one message's outcome, once (a replay waits on its letters): none unless asked for. */
  private observers: Map<MessageContext, (outcome: Outcome) => void> | undefined;
  /** Taken in, outcome not known yet. */
  private readonly open: MessageTable;
  /** Failed, dead letter being written. */
  private readonly deadLettering: MessageTable;
  /** The id of the latest message taken in (0: none yet). */
  private lastId = 0;
  private capacity: Promise<void> | undefined;
  private wakeCapacity: (() => void) | undefined;
  private drain: Promise<void> | undefined;
  private wakeDrain: (() => void) | undefined;

  constructor(
    readonly maxInFlight: number,
    durationsWindow: number,
    /** The most records a source takes into one batch (`runtime.batchMax`). */
    readonly batchMax = 256,
  ) {
    this.latency = new DurationHistogram(durationsWindow);
    this.open = new MessageTable(maxInFlight);
    this.deadLettering = new MessageTable(16);
  }

  get inFlight(): number {
    return this.received - this.completed - this.dropped - this.failed - this.lost;
  }

  /**
   * Messages a step holds in a bounded buffer of its own do not count: that step bounds them,
   * and holds back when its buffer is full, so the limit then reaches the source.
   */
  get hasCapacity(): boolean {
    return this.inFlight - this.held < this.maxInFlight;
  }

  /** How many more messages may be taken in now. */
  get room(): number {
    return Math.max(0, this.maxInFlight - this.inFlight + this.held);
  }

  /** `count` more in-flight messages are held in a step's own buffer (fewer, when negative). */
  hold(count: number): void {
    this.held += count;
    if (count < 0) this.settled();
  }

  waitForCapacity(): Promise<void> {
    if (this.hasCapacity) return RESOLVED;
    this.capacity ??= new Promise<void>((resolve) => (this.wakeCapacity = resolve));
    return this.capacity;
  }

  accept(
    source: string,
    raw?: unknown,
    attributes?: Record<string, unknown>,
    receivedAt?: number,
  ): MessageContext {
    this.received++;
    const message = createMessageContext(source, raw, attributes, receivedAt);
    this.lastId = message.id;
    this.open.add(message);
    return message;
  }

  /** The last step handled one message (at the end of its latest stage), and what it wrote is durable. */
  complete(message: MessageContext): void {
    this.completeBatch([message], markOf(message));
  }

  /**
   * The last step was done with these messages at `at` (its one clock read for them), and
   * whatever it wrote is durable. The records of one intake batch share their `receivedAt`, so
   * the latency histogram takes them in one step.
   */
  completeBatch(messages: readonly MessageContext[], at: number): void {
    const notify = this.notify;
    let since = NaN;
    let run = 0;
    for (const message of messages) {
      if (!this.open.delete(message)) continue;
      this.completed++;
      if (message.receivedAt !== since) {
        if (run > 0) this.latency.add(at - since, run);
        since = message.receivedAt;
        run = 0;
      }
      run++;
      notify?.(message, 'completed');
      if (this.observers !== undefined) this.observed(message, 'completed');
    }
    if (run > 0) this.latency.add(at - since, run);
    this.settled();
  }

  /** The message was dropped on purpose; `reason` as the step gave it (none: `filtered`). */
  drop(message: MessageContext, reason = 'filtered'): void {
    if (!this.open.delete(message)) return;
    this.dropped++;
    this.droppedBy[reason] = (this.droppedBy[reason] ?? 0) + 1;
    this.notify?.(message, 'dropped');
    if (this.observers !== undefined) this.observed(message, 'dropped');
    this.settled();
  }

  /** A step raised: its dead letter is to be written. False when the message already settled. */
  failing(message: MessageContext): boolean {
    if (!this.open.delete(message)) return false;
    this.deadLettering.add(message);
    return true;
  }

  /** The dead letter of a failing message was written (`lost`: it could not be). */
  fail(message: MessageContext, lost: boolean): void {
    if (!this.deadLettering.delete(message)) return;
    if (lost) this.lost++;
    else this.failed++;
    this.notify?.(message, lost ? 'lost' : 'failed');
    if (this.observers !== undefined) this.observed(message, lost ? 'lost' : 'failed');
    this.settled();
  }

  /** Calls `fn` once with the outcome of `message`, a message taken in and not settled yet. */
  observe(message: MessageContext, fn: (outcome: Outcome) => void): void {
    const observers = (this.observers ??= new Map<MessageContext, (outcome: Outcome) => void>());
    const before = observers.get(message);
    // A replay's and a tap's may watch one message: each is told, in the order they asked.
    observers.set(
      message,
      before === undefined
        ? fn
        : (outcome) => {
            before(outcome);
            fn(outcome);
          },
    );
  }

  /** The message `id` when it is taken in and its outcome is not known yet. O(in flight): not per message. */
  openMessage(id: number): MessageContext | undefined {
    return this.open.values().find((m) => m.id === id);
  }

  private observed(message: MessageContext, outcome: Outcome): void {
    const fn = this.observers!.get(message);
    if (fn === undefined) return;
    this.observers!.delete(message);
    if (this.observers!.size === 0) this.observers = undefined;
    fn(outcome);
  }

  /** Gives up on every message whose outcome is still unknown: they become failing. */
  abandon(): MessageContext[] {
    const left = this.open.values();
    this.open.clear();
    for (const m of left) this.deadLettering.add(m);
    return left;
  }

  /**
   * At most the id of the next message taken in: ids increase in the order messages are taken
   * in, so every later one has at least this id and every earlier one a lower one.
   */
  nextId(): number {
    return this.lastId + 1;
  }

  /**
   * The id of the oldest message whose outcome is not known yet, or undefined when there is
   * none. Ids increase in the order messages were taken in. Read at a reload, not per message.
   */
  oldestOpenId(): number | undefined {
    return this.open.oldestId();
  }

  /** Resolves once nothing is in flight. */
  drained(): Promise<void> {
    if (this.inFlight <= 0) return RESOLVED;
    this.drain ??= new Promise<void>((resolve) => (this.wakeDrain = resolve));
    return this.drain;
  }

  snapshot(): AccountingSnapshot {
    const { received, completed, dropped, failed, lost, held } = this;
    const inFlight = this.inFlight;
    return { received, completed, dropped, failed, lost, inFlight, held, droppedBy: { ...this.droppedBy } };
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
