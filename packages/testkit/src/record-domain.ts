import type { BaseDomain, ErrorEvent, MessageContext, SuccessEvent, AnyDomain } from '@tapline/core';

/** What became of one message a domain handled. */
export type StepOutcome<TOut> =
  | { readonly outcome: 'forwarded'; readonly output: TOut }
  | { readonly outcome: 'dropped' }
  | { readonly outcome: 'failed'; readonly error: ErrorEvent };

/** A live record of what a domain forwarded and reported, from the moment it was made. */
export interface DomainRecording<TOut> {
  /** What the domain forwarded on its data channel, in order. */
  readonly outputs: TOut[];
  readonly events: {
    readonly success: SuccessEvent[];
    readonly error: ErrorEvent[];
    readonly dropped: SuccessEvent[];
  };
  /** The outcome of each message seen, by its context. */
  readonly outcomes: Map<MessageContext, StepOutcome<TOut>>;
  /**
   * The contexts of the messages that ended as `outcome`, in the order they ended: a forwarded
   * message's `raw` and `attributes` beside `outputs`, a failed one's beside `events.error`.
   */
  messages(outcome: StepOutcome<TOut>['outcome']): MessageContext[];
  /** How many messages ended (forwarded, dropped or failed). */
  readonly settled: number;
  /** Resolves once `count` messages ended; rejects after `timeoutMs` (default 5000). */
  waitForSettled(count: number, timeoutMs?: number): Promise<void>;
  /** Stops recording; the domain's taps stay but record nothing more. */
  close(): void;
}

interface Slot {
  current: Recording<unknown> | undefined;
}

// Taps are made once per domain and pointed at the current recording: tapable recompiles per tap,
// and a domain recorded several times in one test must not report each event several times.
const slots = new WeakMap<AnyDomain, Slot>();

class Recording<TOut> implements DomainRecording<TOut> {
  readonly outputs: TOut[] = [];
  readonly events = {
    success: [] as SuccessEvent[],
    error: [] as ErrorEvent[],
    dropped: [] as SuccessEvent[],
  };
  readonly outcomes = new Map<MessageContext, StepOutcome<TOut>>();
  private waiters: Array<() => void> = [];

  constructor(private readonly slot: Slot) {}

  messages(outcome: StepOutcome<TOut>['outcome']): MessageContext[] {
    const found: MessageContext[] = [];
    for (const [message, o] of this.outcomes) if (o.outcome === outcome) found.push(message);
    return found;
  }

  get settled(): number {
    return this.events.success.length + this.events.error.length;
  }

  settle(message: MessageContext, outcome: StepOutcome<TOut>): void {
    this.outcomes.set(message, outcome);
  }

  notify(): void {
    for (const wake of this.waiters) wake();
  }

  waitForSettled(count: number, timeoutMs = 5000): Promise<void> {
    if (this.settled >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`Only ${this.settled} of ${count} messages settled within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        if (this.settled < count) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve();
      };
      this.waiters.push(check);
    });
  }

  close(): void {
    if (this.slot.current === this) this.slot.current = undefined;
  }
}

/**
 * Starts recording what a domain forwards and reports; one recording per domain at a time.
 * Use it for sources, whose messages arrive on their own; {@link runDomain} uses it too.
 */
export function recordDomain<TOut>(domain: BaseDomain<never, TOut>): DomainRecording<TOut> {
  let slot = slots.get(domain);
  if (slot === undefined) {
    const s: Slot = { current: undefined };
    domain.onHandled((output, message) => {
      s.current?.outputs.push(output);
      s.current?.settle(message, { outcome: 'forwarded', output });
    }, 'tapline:testkit');
    domain.onSuccess((event) => {
      s.current?.events.success.push(event);
      s.current?.notify();
    }, 'tapline:testkit');
    domain.onDropped((event, message) => {
      s.current?.events.dropped.push(event);
      s.current?.settle(message, { outcome: 'dropped' });
    }, 'tapline:testkit');
    domain.onError((event, message) => {
      s.current?.events.error.push(event);
      s.current?.settle(message, { outcome: 'failed', error: event });
      s.current?.notify();
    }, 'tapline:testkit');
    slot = s;
    slots.set(domain, slot);
  }
  if (slot.current !== undefined) throw new Error(`The domain "${domain.id}" is already being recorded`);
  const recording = new Recording<TOut>(slot);
  slot.current = recording;
  return recording;
}
