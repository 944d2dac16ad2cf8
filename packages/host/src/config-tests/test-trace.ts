import type { ErrorEvent, MessageContext } from '@tapline/core';
import { payloadField } from '../runtime/letter-fields.js';

/** A record a step emitted, kept as it was at that moment (later steps may change it in place). */
export interface Emitted {
  /** Which input it came from (0-based). */
  readonly input: number;
  readonly record: unknown;
}

/** How one input ended. */
export type InputOutcome =
  | { readonly kind: 'completed'; readonly input: number }
  | { readonly kind: 'dropped'; readonly input: number; readonly step: string; readonly record: unknown }
  | {
      readonly kind: 'failed';
      readonly input: number;
      readonly step: string;
      /** What the failing step received. */
      readonly record: unknown;
      readonly errorType: string;
      readonly message: string;
      /** The line the host would append to the dead-letter file, without its time. */
      readonly deadLetter: Record<string, unknown>;
    };

/** A copy of a value as it is now; values that cannot be copied are kept as they are. */
export function snapshot(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  try {
    return structuredClone(value);
  } catch {
    return value;
  }
}

/**
 * What happened to every input of one test run: the records that reached the end, what each step
 * an expectation names emitted, and each input's outcome. A record is copied at each step only
 * until its message ends, so that a long test holds its outputs, not every step's.
 */
export class TestTrace {
  readonly emitted = new Map<string, Emitted[]>();
  /** What came out of the end: the exporter's captured writes, or the last step's output. */
  readonly end: Emitted[] = [];
  /** What each of the exporter's targets (by name) was written. */
  readonly targets = new Map<string, Emitted[]>();
  readonly outcomes: InputOutcome[] = [];
  private readonly inputOf = new Map<number, number>();
  /** The last record each message was forwarded with: what a dropping or failing step received. */
  private readonly received = new Map<number, unknown>();
  private begun = 0;
  private settled = 0;
  private waiting: { readonly ready: () => boolean; readonly wake: () => void } | undefined;

  constructor(
    readonly inputs: number,
    /** The steps whose output an expectation checks; only theirs is kept. */
    private readonly kept: ReadonlySet<string>,
  ) {
    for (const step of kept) this.emitted.set(step, []);
  }

  /** Messages begun and not ended yet. */
  get inFlight(): number {
    return this.begun - this.settled;
  }

  /** Whether every input has an outcome. */
  get allSettled(): boolean {
    return this.settled >= this.inputs;
  }

  /** Registers a message made for input `index`, with what its first step receives. */
  begin(message: MessageContext, index: number, record: unknown): void {
    this.begun++;
    this.inputOf.set(message.id, index);
    this.received.set(message.id, snapshot(record));
  }

  indexOf(message: MessageContext): number {
    return this.inputOf.get(message.id) ?? -1;
  }

  emit(step: string, output: unknown, message: MessageContext): void {
    const record = snapshot(output);
    this.emitted.get(step)?.push({ input: this.indexOf(message), record });
    this.received.set(message.id, record);
  }

  reachEnd(record: unknown, message: MessageContext): void {
    this.end.push({ input: this.indexOf(message), record });
  }

  reachTarget(target: string, record: unknown, message: MessageContext): void {
    let list = this.targets.get(target);
    if (list === undefined) this.targets.set(target, (list = []));
    list.push({ input: this.indexOf(message), record });
  }

  complete(message: MessageContext): void {
    this.settle({ kind: 'completed', input: this.indexOf(message) }, message);
  }

  drop(step: string, message: MessageContext): void {
    const record = this.received.get(message.id);
    this.settle({ kind: 'dropped', input: this.indexOf(message), step, record }, message);
  }

  fail(event: ErrorEvent, message: MessageContext): void {
    const head = JSON.stringify({
      step: event.domain,
      source: message.source,
      messageId: message.id,
      errorType: event.errorType,
      message: event.message,
    });
    this.settle(
      {
        kind: 'failed',
        input: this.indexOf(message),
        step: event.domain,
        record: this.received.get(message.id),
        errorType: event.errorType,
        message: event.message,
        deadLetter: JSON.parse(`${head.slice(0, -1)}${payloadField(message.raw)}}`) as Record<
          string,
          unknown
        >,
      },
      message,
    );
  }

  /** Resolves once every input has an outcome. */
  whenSettled(): Promise<void> {
    return this.until(() => this.allSettled);
  }

  /** Resolves once fewer than `limit` messages are in flight. */
  whenInFlightBelow(limit: number): Promise<void> {
    return this.until(() => this.inFlight < limit);
  }

  /** The inputs without an outcome yet. */
  pending(): number[] {
    const ended = new Set(this.outcomes.map((o) => o.input));
    return Array.from({ length: this.inputs }, (_, i) => i).filter((i) => !ended.has(i));
  }

  private until(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((wake) => (this.waiting = { ready, wake }));
  }

  private settle(outcome: InputOutcome, message: MessageContext): void {
    this.outcomes.push(outcome);
    this.received.delete(message.id);
    this.settled++;
    if (this.waiting?.ready()) {
      const { wake } = this.waiting;
      this.waiting = undefined;
      wake();
    }
  }
}
