import { SyncHook } from 'tapable';
import { isDrop, type Drop, type DropWith } from './drop.js';
import { errorTypeOf } from './errors.js';
import {
  FORWARD_OPERATION,
  HANDLE_OPERATION,
  errorEvent,
  type ErrorEvent,
  type SuccessEvent,
} from './events.js';
import type { Logger } from './logger.js';
import { silentLogger } from './logger.js';
import { markOf, type MessageContext } from './message-context.js';
import type { StepCounter, StepLedger } from './step-meter.js';
import type { OutputBooks } from './types.js';

/** What `execute` may return: a value, the {@link DROP} marker (or a {@link DropWith}), or a promise of either. */
export type ExecuteResult<TOut> = TOut | Drop | DropWith | Promise<TOut | Drop | DropWith>;

/** What a domain needs from its context when constructed; a `PluginContext` satisfies it. */
export interface DomainIdentity {
  /** The step id from the config; events carry it as `domain`. */
  readonly id?: string;
  readonly logger?: Logger;
}

/**
 * A step's channels, declared once. Plugins and tools register on them through
 * {@link BaseDomain.onHandled}, {@link BaseDomain.onSuccess}, {@link BaseDomain.onError},
 * {@link BaseDomain.onDropped} and {@link BaseDomain.onHeld}, while wiring, never per message:
 * tapable recompiles a hook's dispatcher after every new tap. Only core calls them.
 */
function createHooks<TOut>() {
  return Object.freeze({
    /**
     * Data channel, per record: the result of `execute`. Called only while tapped (a test, a
     * tool, a plugin); the host hands batches on through {@link BaseDomain.handOn}.
     */
    handled: new SyncHook<[output: TOut, message: MessageContext]>(['output', 'message']),
    /** Data channel: `execute` returned `DROP`; the message ends here on purpose. */
    dropped: new SyncHook<[event: SuccessEvent, message: MessageContext]>(['event', 'message']),
    /**
     * Flow control: `count` more messages (fewer, when negative) wait in this domain's own
     * bounded buffer (see {@link BaseDomain.bufferHeld}).
     */
    held: new SyncHook<[count: number]>(['count']),
    /**
     * Monitoring channel: the message was handled (forwarded or dropped). Its event is made
     * only while this hook is tapped; the Monitor counts without it.
     */
    success: new SyncHook<[event: SuccessEvent, message: MessageContext]>(['event', 'message']),
    /** Monitoring channel: `execute` threw or rejected; nothing was forwarded. */
    error: new SyncHook<[event: ErrorEvent, message: MessageContext]>(['event', 'message']),
  });
}

/** The tapable hooks of a step whose `execute` returns `TOut`. @internal */
export type DomainHooks<TOut> = ReturnType<typeof createHooks<TOut>>;

/** What plugins see of one of a step's hooks: who taps it. Nothing to tap or call it with. */
export interface HookView {
  /** The taps registered, in order, each with the name it was registered with. */
  readonly taps: ReadonlyArray<{ readonly name: string }>;
  /** Whether anything is registered. */
  isUsed(): boolean;
}

/** A step's channels as plugins see them (see {@link BaseDomain.hooks}). */
export type DomainHookViews = {
  readonly [K in 'handled' | 'dropped' | 'held' | 'success' | 'error']: HookView;
};

/**
 * A step of a pipeline. Subclasses write {@link BaseDomain.execute} (and, for work cheaper done
 * together, {@link BaseDomain.executeBatch}); {@link BaseDomain.handleBatch} is the template that
 * runs it over a batch, reads the clock once per batch, forwards the results as one batch and
 * accounts each record as succeeded, dropped or failed. Per-record events are made only while
 * someone listens on `success`, `error` or `dropped`.
 *
 * @typeParam TIn - what `execute` receives
 * @typeParam TOut - what `execute` returns, and what `handled` taps receive
 */
export abstract class BaseDomain<TIn = unknown, TOut = unknown> {
  /** The step id from the config; the `domain` of every event this domain emits. */
  readonly id: string;
  protected readonly log: Logger;

  /**
   * Where the step's counts and durations go: set by `Monitor.attach`, read per batch.
   * @internal
   */
  meter: StepCounter | undefined;
  /**
   * Where the step's drops and failures go, per record and without an event object: set by the
   * host while wiring.
   * @internal
   */
  ledger: StepLedger | undefined;
  /**
   * Where the step hands each batch it forwards, in order, with when it was done with them
   * (monotonic ms: the next step's start): set by the host while wiring.
   * @internal
   */
  handOn: ((outputs: TOut[], messages: MessageContext[], at: number) => void) | undefined;

  readonly #hooks: DomainHooks<TOut> = createHooks<TOut>();
  /**
   * The step's channels, declared once (`handled`, `dropped`, `held`, `success`, `error`): read
   * them (`hooks.handled.isUsed()`, say). Register on them with {@link BaseDomain.onHandled},
   * {@link BaseDomain.onSuccess}, {@link BaseDomain.onError}, {@link BaseDomain.onDropped} and
   * {@link BaseDomain.onHeld}; only core calls them.
   */
  readonly hooks: DomainHookViews = this.#hooks;

  constructor(identity?: DomainIdentity) {
    this.id = identity?.id ?? new.target.name;
    this.log = identity?.logger ?? silentLogger;
  }

  /** Set-up: open files, bind sockets, compile options. Called once, downstream steps first. */
  initialize(): void | Promise<void> {}

  /** The domain's own work on one message. Return a value to forward it, or `DROP` to filter it out. */
  abstract execute(input: TIn, message: MessageContext): ExecuteResult<TOut>;

  /**
   * Define this for work that is cheaper done for a batch at once (one write for a batch):
   * return one result per record, in order, each what `execute` may return. A rejected promise
   * fails its record alone; a throw fails the whole batch. When defined, the template calls it
   * instead of `execute` for every batch, a batch of one included.
   */
  executeBatch?(inputs: readonly TIn[], messages: readonly MessageContext[]): ArrayLike<ExecuteResult<TOut>>;

  /** Flush and release. Idempotent, and safe to call when `initialize` never ran. */
  shutdown(): void | Promise<void> {}

  /**
   * Define this when the domain writes files: reopen them at their paths, for log rotation by
   * another tool. The host calls it on SIGHUP.
   */
  reopen?(): void | Promise<void>;

  /**
   * Define this to keep, across a reload, what need not be opened again. The host calls it on a
   * reload that changed this step's options, before `initialize`, with the running instance of
   * the same step (same id and plugin). Take over what the new options leave as it was (an
   * exporter: a target's open socket or file, with what it still queues). The previous instance
   * goes on until its last messages are done, then is shut down, and must not release what it
   * handed over; when the reload fails, this instance is shut down and hands it back.
   */
  takeOver?(previous: AnyDomain): void;

  /**
   * Define this when the domain writes to named outputs of its own (an exporter's targets):
   * their books, for the host's metrics and dashboard. Read per scrape, never per message.
   */
  outputBooks?(): readonly OutputBooks[];

  /** Registers the next step (or any consumer) on the data channel. Call while wiring. */
  onHandled(fn: (output: TOut, message: MessageContext) => unknown, name = 'tapline'): this {
    this.#hooks.handled.tap(name, fn);
    return this;
  }

  /** Registers an observer of success events. Call while wiring. It must not throw. */
  onSuccess(fn: (event: SuccessEvent, message: MessageContext) => void, name = 'tapline'): this {
    this.#hooks.success.tap(name, fn);
    return this;
  }

  /** Registers an observer of error events. Call while wiring. It must not throw. */
  onError(fn: (event: ErrorEvent, message: MessageContext) => void, name = 'tapline'): this {
    this.#hooks.error.tap(name, fn);
    return this;
  }

  /** Registers an observer of dropped messages. Call while wiring. It must not throw. */
  onDropped(fn: (event: SuccessEvent, message: MessageContext) => void, name = 'tapline'): this {
    this.#hooks.dropped.tap(name, fn);
    return this;
  }

  /** Registers an observer of {@link BaseDomain.bufferHeld}. Call while wiring. It must not throw. */
  onHeld(fn: (count: number) => void, name = 'tapline'): this {
    this.#hooks.held.tap(name, fn);
    return this;
  }

  /**
   * Tells the host that `count` messages whose `execute` has not settled now wait in a buffer
   * of this domain's own, bounded by its options (an exporter's per-output queue), or, with a
   * negative `count`, no longer do. The host's `maxInFlight` then counts them as in flight but
   * not against its intake: a domain that holds messages bounds them itself, and holds back
   * (does not call this) when its buffer is full, so that backpressure reaches the source.
   * Call it with `-count` before the held messages' `execute` settles.
   */
  protected bufferHeld(count: number): void {
    this.#hooks.held.call(count);
  }

  /**
   * The template for one record: a batch of one, timed from the end of the record's previous
   * stage. Never throws and never rejects; returns a promise only when `execute` returned one,
   * settled once this step is done with the record, not when downstream steps are.
   */
  handle(input: TIn, message: MessageContext): void | Promise<void> {
    return this.handleBatch([input], [message], markOf(message));
  }

  /**
   * The template for a batch (what the source took in since the chain last ran): runs
   * `executeBatch`, or `execute` for each record, reads the clock once, accounts each record as
   * succeeded, dropped or failed, and hands what it forwards on as one batch
   * ({@link BaseDomain.handOn}; `handled` taps get each record). `startedAt` is when the step began on the batch (monotonic ms): the service time is
   * from it to the clock read. Records an asynchronous `execute` answers later are handed on
   * when their answer comes, together with the records that share that answer (one promise per
   * write, say). Never throws and never rejects; returns a promise only when an answer is
   * pending, settled once every record of the batch is done here.
   */
  handleBatch(
    inputs: readonly TIn[],
    messages: readonly MessageContext[],
    startedAt: number,
  ): void | Promise<void> {
    const n = inputs.length;
    if (n === 0) return;
    const results = this.#run(inputs, messages);
    const end = performance.now();
    const serviceMs = end - startedAt;
    const share = serviceMs / n;
    this.meter?.served(n, serviceMs, end);
    const perRecord = this.#hooks.handled.taps.length !== 0;
    // While every record so far is forwarded, the batch's own arrays are handed on as they are:
    // the output arrays are made only from the first record that is not.
    let kept = 0;
    let outputs: TOut[] | undefined;
    let forwarded: MessageContext[] | undefined;
    let pending: Promise<void>[] | undefined;
    for (let i = 0; i < n; i++) {
      const r = results[i];
      const m = messages[i]!;
      let keep = false;
      if (r instanceof Promise) {
        // The records that share one answer (a batch's write) wait on it together.
        let to = i + 1;
        while (to < n && results[to] === r) to++;
        (pending ??= []).push(this.#answerLater(r as Promise<unknown>, inputs, messages, i, to, end, share));
        i = to - 1;
      } else if (r instanceof Failed) this.#fail(r.error, m, HANDLE_OPERATION, share, inputs[i]);
      else if (isDrop(r)) this.#drop(r, m, share);
      else keep = !perRecord || this.#forwardOne(r as TOut, m, end, share, inputs[i]);
      if (keep && outputs === undefined && kept === i) {
        kept++;
      } else if (keep) {
        outputs!.push(r as TOut);
        forwarded!.push(m);
      } else if (outputs === undefined) {
        outputs = Array.prototype.slice.call(results, 0, kept) as TOut[];
        forwarded = messages.slice(0, kept);
      }
    }
    if (outputs === undefined) {
      const own = this.executeBatch === undefined; // an executeBatch's array is the plugin's
      if (kept === n)
        this.#forward(
          own ? (results as TOut[]) : Array.from(results as ArrayLike<TOut>),
          messages as MessageContext[],
          end,
          share,
        );
    } else if (outputs.length !== 0) this.#forward(outputs, forwarded!, end, share);
    if (pending === undefined) return;
    return pending.length === 1 ? pending[0] : Promise.all(pending).then(noop);
  }

  #run(inputs: readonly TIn[], messages: readonly MessageContext[]): ArrayLike<unknown> {
    const n = inputs.length;
    if (this.executeBatch !== undefined) {
      try {
        const results = this.executeBatch(inputs, messages);
        if (results.length === n) return results;
        throw new TypeError(`executeBatch returned ${results.length} results for ${n} records`);
      } catch (err) {
        return new Array<Failed>(n).fill(new Failed(err));
      }
    }
    const results = new Array<unknown>(n);
    for (let i = 0; i < n; i++) {
      try {
        results[i] = this.execute(inputs[i]!, messages[i]!);
      } catch (err) {
        results[i] = new Failed(err);
      }
    }
    return results;
  }

  /** Waits on the answer the records `from` to `to` share, then ends them with it. */
  #answerLater(
    answer: Promise<unknown>,
    inputs: readonly TIn[],
    messages: readonly MessageContext[],
    from: number,
    to: number,
    servedAt: number,
    share: number,
  ): Promise<void> {
    if (from !== 0 || to !== messages.length) {
      // Only these records wait for this answer (a slow output's, say): holding the batch's
      // arrays would keep every other record of the batch alive until it comes.
      inputs = inputs.slice(from, to);
      messages = messages.slice(from, to);
      to -= from;
      from = 0;
    }
    const settle = (value: unknown, failed: boolean): void => {
      const at = performance.now();
      const waitMs = at - servedAt;
      this.meter?.waited(to - from, waitMs);
      const durationMs = share + waitMs;
      let outputs: TOut[] | undefined;
      let forwarded: MessageContext[] | undefined;
      const perRecord = this.#hooks.handled.taps.length !== 0;
      for (let i = from; i < to; i++) {
        const m = messages[i]!;
        m.mark = at;
        if (failed) this.#fail(value, m, HANDLE_OPERATION, durationMs, inputs[i]);
        else if (isDrop(value)) this.#drop(value, m, durationMs);
        else if (!perRecord || this.#forwardOne(value as TOut, m, at, durationMs, inputs[i])) {
          (outputs ??= []).push(value as TOut);
          (forwarded ??= []).push(m);
        }
      }
      if (outputs !== undefined) this.#forward(outputs, forwarded!, at, durationMs);
    };
    return answer.then(
      (value) => settle(value, false),
      (err: unknown) => settle(err, true),
    );
  }

  /** The `handled` taps of one record (a test's, say); false when one threw and it failed. */
  #forwardOne(
    output: TOut,
    message: MessageContext,
    at: number,
    durationMs: number,
    input: TIn | undefined,
  ): boolean {
    message.mark = at;
    try {
      this.#hooks.handled.call(output, message);
      return true;
    } catch (err) {
      this.#fail(err, message, FORWARD_OPERATION, durationMs, input);
      return false;
    }
  }

  /** Hands a batch on, then counts it as succeeded and, when someone listens, reports each record. */
  #forward(outputs: TOut[], messages: MessageContext[], at: number, durationMs: number): void {
    const handOn = this.handOn;
    if (handOn !== undefined) {
      try {
        // Downstream domains never throw from handleBatch(); only a hand-on of its own can.
        handOn(outputs, messages, at);
      } catch (err) {
        // The batch's inputs are not at hand here: their letters hold the payload alone.
        for (const m of messages) this.#fail(err, m, FORWARD_OPERATION, durationMs, undefined);
        return;
      }
    }
    if (this.meter !== undefined) this.meter.success += messages.length;
    if (this.#hooks.success.taps.length === 0) return;
    for (const m of messages) {
      const event: SuccessEvent = {
        domain: this.id,
        operation: HANDLE_OPERATION,
        durationMs,
        messageId: m.id,
      };
      this.#hooks.success.call(event, m);
    }
  }

  #drop(result: Drop | DropWith, message: MessageContext, durationMs: number): void {
    const why = result as Partial<DropWith>;
    const meter = this.meter;
    if (meter !== undefined) {
      meter.success++;
      meter.dropped++;
    }
    this.ledger?.dropped(message, why.reason);
    if (this.#hooks.dropped.taps.length === 0 && this.#hooks.success.taps.length === 0) return;
    const dropped: SuccessEvent = {
      domain: this.id,
      operation: HANDLE_OPERATION,
      durationMs,
      messageId: message.id,
      reason: why.reason,
      detail: why.detail,
    };
    this.#hooks.dropped.call(dropped, message);
    this.#hooks.success.call(dropped, message);
  }

  /** `input` is what the step was handed for the record, as it holds it now (`execute` may have changed it). */
  #fail(
    err: unknown,
    message: MessageContext,
    operation: string,
    durationMs: number,
    input: TIn | undefined,
  ): void {
    this.meter?.failed(errorTypeOf(err));
    this.ledger?.failed(err, message, operation, durationMs, input);
    if (this.#hooks.error.taps.length === 0) return;
    const event = errorEvent(this.id, operation, durationMs, message, err);
    try {
      this.#hooks.error.call(event, message);
    } catch (tapErr) {
      this.log.error(
        { err: tapErr, step: this.id },
        'an error observer threw; the event was not fully reported',
      );
    }
  }
}

/** A record whose `execute` threw: made only for a failure. */
class Failed {
  constructor(readonly error: unknown) {}
}

function noop(): void {}

/**
 * A domain of whatever types: what the host and tools hold steps as. `unknown` would not do:
 * a `BaseDomain<Record<string, unknown>>` is not assignable to `BaseDomain<unknown>`, since
 * `handle` takes its input.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type AnyDomain = BaseDomain<any, any>;

/**
 * A step's hooks as the tapable hooks they are, for core and the host: the plugin API offers
 * registration alone (the `on*` methods) and a view to read. Works on a domain built against
 * another copy of `@tapline/core` too.
 * @internal
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any input: hooks depend on TOut alone
export function hooksOf<TOut>(domain: BaseDomain<any, TOut>): DomainHooks<TOut> {
  // `hooks` is the object `#hooks` holds, typed for plugins as a view.
  return domain.hooks as unknown as DomainHooks<TOut>;
}

/**
 * Hands `output` to the `handled` taps of `domain`, as if its `execute` had returned it: what
 * `tapline test` does for a source whose record the test file gives.
 * @internal
 */
export function forwardRecord<TOut>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as hooksOf
  domain: BaseDomain<any, TOut>,
  output: TOut,
  message: MessageContext,
): void {
  hooksOf(domain).handled.call(output, message);
}
