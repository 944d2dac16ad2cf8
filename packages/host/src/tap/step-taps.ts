import type { AnyDomain, MessageContext } from '@tapline/core';
import type { StepLedger } from '@tapline/core/internal';
import type { Ending, TapListener, TapSide } from './tap-listener.js';

type HandOn = NonNullable<AnyDomain['handOn']>;
type HandleBatch = AnyDomain['handleBatch'];

/**
 * The taps of one step, and the wrappers they need. A wrapper is swapped in (the step's
 * `handOn`, its `ledger`, its own `handleBatch`) while a tap needs it and swapped back when the
 * last such tap leaves, so an untapped step runs exactly as wired, with no per-record work.
 */
export class StepTaps {
  readonly sides: Record<TapSide, Set<TapListener>> = {
    output: new Set(),
    input: new Set(),
    dropped: new Set(),
    failed: new Set(),
  };
  /** What the step was handed, per message, while a tap needs it (drops, failures, a receipt's record). */
  private entered: WeakMap<MessageContext, unknown> | undefined;
  private handOn: HandOn | undefined;
  private ledger: StepLedger | undefined;
  private outputTapped = false;
  private inputTapped = false;
  private ledgerTapped = false;
  private hadOwnHandleBatch = false;

  constructor(
    readonly id: string,
    readonly domain: AnyDomain,
    /** Its output is a receipt: its output taps show the record it wrote. */
    readonly terminal: boolean,
    private readonly onError: (err: unknown) => void,
  ) {}

  get empty(): boolean {
    for (const s of Object.values(this.sides)) if (s.size !== 0) return false;
    return true;
  }

  add(side: TapSide, listener: TapListener): void {
    this.sides[side].add(listener);
    this.rewire();
  }

  remove(side: TapSide, listener: TapListener): void {
    this.sides[side].delete(listener);
    this.rewire();
  }

  private rewire(): void {
    const { output, input, dropped, failed } = this.sides;
    const ends = dropped.size + failed.size !== 0;
    // A failure comes with the record; a drop, and a terminal step's hand-on, do not.
    const needEntered = dropped.size !== 0 || (output.size !== 0 && this.terminal);
    this.entered = needEntered ? (this.entered ?? new WeakMap()) : undefined;
    this.swapOutput(output.size !== 0);
    this.swapInput(input.size !== 0 || needEntered);
    this.swapLedger(ends);
  }

  private swapOutput(on: boolean): void {
    if (on === this.outputTapped) return;
    const d = this.domain;
    if (on) {
      this.handOn = d.handOn;
      d.handOn = this.tappedHandOn;
    } else d.handOn = this.handOn;
    this.outputTapped = on;
  }

  private swapInput(on: boolean): void {
    if (on === this.inputTapped) return;
    const d = this.domain as AnyDomain & { handleBatch: HandleBatch };
    if (on) {
      this.hadOwnHandleBatch = Object.hasOwn(d, 'handleBatch');
      // Called with the domain as `this`, as the prototype's method it is (or the domain's own).
      // eslint-disable-next-line @typescript-eslint/unbound-method
      const original = d.handleBatch;
      d.handleBatch = (inputs, messages, startedAt) => {
        this.tapInput(inputs, messages, startedAt);
        return original.call(d, inputs, messages, startedAt);
      };
      this.restoreHandleBatch = () => {
        if (this.hadOwnHandleBatch) d.handleBatch = original;
        else delete (d as Partial<typeof d>).handleBatch;
      };
    } else this.restoreHandleBatch();
    this.inputTapped = on;
  }

  private restoreHandleBatch: () => void = () => undefined;

  private swapLedger(on: boolean): void {
    if (on === this.ledgerTapped) return;
    const d = this.domain;
    if (on) {
      this.ledger = d.ledger;
      d.ledger = this.tappedLedger;
    } else d.ledger = this.ledger;
    this.ledgerTapped = on;
  }

  private tapInput(inputs: readonly unknown[], messages: readonly MessageContext[], at: number): void {
    try {
      const entered = this.entered;
      if (entered !== undefined && this.wanted())
        for (let i = 0; i < messages.length; i++) entered.set(messages[i]!, inputs[i]);
      for (const l of this.sides.input) l.batch(this.id, 'input', inputs, messages, at);
    } catch (err) {
      this.onError(err);
    }
  }

  /** Whether a listener that needs what the step was handed would take a sample now. */
  private wanted(): boolean {
    for (const l of this.sides.dropped) if (l.wants?.() !== false) return true;
    if (this.terminal) for (const l of this.sides.output) if (l.wants?.() !== false) return true;
    return false;
  }

  private readonly enteredOf = (message: MessageContext): unknown => this.entered?.get(message);

  private readonly tappedHandOn: HandOn = (outputs, messages, at) => {
    try {
      const entered = this.terminal ? this.enteredOf : undefined;
      for (const l of this.sides.output) l.batch(this.id, 'output', outputs, messages, at, entered);
    } catch (err) {
      this.onError(err);
    }
    this.handOn?.(outputs, messages, at);
  };

  private readonly tappedLedger: StepLedger = {
    dropped: (message, reason) => {
      this.tell('dropped', message, { reason });
      this.ledger?.dropped(message, reason);
    },
    failed: (error, message, operation, durationMs, input) => {
      this.tell('failed', message, { error }, input);
      this.ledger?.failed(error, message, operation, durationMs, input);
    },
  };

  private tell(side: 'dropped' | 'failed', message: MessageContext, ending: Ending, input?: unknown) {
    try {
      const record = input === undefined ? this.entered?.get(message) : input;
      for (const l of this.sides[side]) l.ended(this.id, side, record, message, ending);
    } catch (err) {
      this.onError(err);
    }
  }
}
