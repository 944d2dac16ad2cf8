import { SyncHook } from 'tapable';
import { isDrop, type Drop, type DropWith } from './drop.js';
import { errorTypeOf, messageOf } from './errors.js';
import { FORWARD_OPERATION, HANDLE_OPERATION, type ErrorEvent, type SuccessEvent } from './events.js';
import type { Logger } from './logger.js';
import { silentLogger } from './logger.js';
import { endStage, type MessageContext } from './message-context.js';
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
 * A step of a pipeline. Subclasses write {@link BaseDomain.execute}; {@link BaseDomain.handle} is the template that
 * times it, forwards its result through `hooks.handled` and reports one `success` or one
 * `error` event on the monitoring channel.
 *
 * @typeParam TIn - what `execute` receives
 * @typeParam TOut - what `execute` returns, and what `handled` taps receive
 */
export abstract class BaseDomain<TIn = unknown, TOut = unknown> {
  /** The step id from the config; the `domain` of every event this domain emits. */
  readonly id: string;
  protected readonly log: Logger;

  /** The promise the latest asynchronous `execute` returned, until it settles. */
  #awaited: Promise<TOut | Drop | DropWith> | undefined;
  #awaitedDone: Promise<void> | undefined;
  /** The later messages whose `execute` returned `awaited` too, in the order they came. */
  #joined: MessageContext[] | undefined;

  /**
   * The step's channels, declared once. Tap them with {@link BaseDomain.onHandled},
   * {@link BaseDomain.onSuccess}, {@link BaseDomain.onError} and {@link BaseDomain.onDropped}
   * (the one way to tap), while wiring, never per message: tapable recompiles a hook's
   * dispatcher after every new tap.
   */
  readonly hooks = Object.freeze({
    /** Data channel: the result of `execute`, for the next step(s). */
    handled: new SyncHook<[output: TOut, message: MessageContext]>(['output', 'message']),
    /** Data channel: `execute` returned `DROP`; the message ends here on purpose. */
    dropped: new SyncHook<[event: SuccessEvent, message: MessageContext]>(['event', 'message']),
    /**
     * Flow control: `count` more messages (fewer, when negative) wait in this domain's own
     * bounded buffer (see {@link BaseDomain.bufferHeld}).
     */
    held: new SyncHook<[count: number]>(['count']),
    /** Monitoring channel: the message was handled (forwarded or dropped). */
    success: new SyncHook<[event: SuccessEvent, message: MessageContext]>(['event', 'message']),
    /** Monitoring channel: `execute` threw or rejected; nothing was forwarded. */
    error: new SyncHook<[event: ErrorEvent, message: MessageContext]>(['event', 'message']),
  });

  constructor(identity?: DomainIdentity) {
    this.id = identity?.id ?? new.target.name;
    this.log = identity?.logger ?? silentLogger;
  }

  /** Set-up: open files, bind sockets, compile options. Called once, downstream steps first. */
  initialize(): void | Promise<void> {}

  /** The domain's own work on one message. Return a value to forward it, or `DROP` to filter it out. */
  abstract execute(input: TIn, message: MessageContext): ExecuteResult<TOut>;

  /** Flush and release. Idempotent, and safe to call when `initialize` never ran. */
  shutdown(): void | Promise<void> {}

  /**
   * Define this when the domain writes files: reopen them at their paths, for log rotation by
   * another tool. The host calls it on SIGHUP.
   */
  reopen?(): void | Promise<void>;

  /**
   * Define this when the domain writes to named outputs of its own (an exporter's targets):
   * their books, for the host's metrics and dashboard. Read per scrape, never per message.
   */
  outputBooks?(): readonly OutputBooks[];

  /** Registers the next step (or any consumer) on the data channel. Call while wiring. */
  onHandled(fn: (output: TOut, message: MessageContext) => unknown, name = 'tapline'): this {
    this.hooks.handled.tap(name, fn);
    return this;
  }

  /** Registers an observer of success events. Call while wiring. It must not throw. */
  onSuccess(fn: (event: SuccessEvent, message: MessageContext) => void, name = 'tapline'): this {
    this.hooks.success.tap(name, fn);
    return this;
  }

  /** Registers an observer of error events. Call while wiring. It must not throw. */
  onError(fn: (event: ErrorEvent, message: MessageContext) => void, name = 'tapline'): this {
    this.hooks.error.tap(name, fn);
    return this;
  }

  /** Registers an observer of dropped messages. Call while wiring. It must not throw. */
  onDropped(fn: (event: SuccessEvent, message: MessageContext) => void, name = 'tapline'): this {
    this.hooks.dropped.tap(name, fn);
    return this;
  }

  /** Registers an observer of {@link BaseDomain.bufferHeld}. Call while wiring. It must not throw. */
  onHeld(fn: (count: number) => void, name = 'tapline'): this {
    this.hooks.held.tap(name, fn);
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
    this.hooks.held.call(count);
  }

  /**
   * The template: runs `execute`, forwards its result through `handled`, then reports one
   * `success` event; or reports one `error` event and forwards nothing. Never throws and never
   * rejects. Returns a promise only when `execute` returned one; it settles once this step is
   * done, not when downstream steps are.
   */
  handle(input: TIn, message: MessageContext): void | Promise<void> {
    let result: ExecuteResult<TOut>;
    try {
      result = this.execute(input, message);
    } catch (err) {
      this.fail(err, message, HANDLE_OPERATION);
      return;
    }
    if (result instanceof Promise) {
      if (result !== this.#awaited) return this.#await(result, message);
      (this.#joined ??= []).push(message);
      return this.#awaitedDone;
    }
    this.complete(result, message);
  }

  /**
   * Waits on `result` for `message`. Later messages whose `execute` returns the same promise (a
   * batch's one receipt, say) join it instead of each adding a reaction of its own: a batch of
   * records in flight then holds no promise or closure per record.
   */
  #await(result: Promise<TOut | Drop | DropWith>, message: MessageContext): Promise<void> {
    // The messages that joined the promise awaited so far are answered by a reaction of their
    // own, which runs after its first message's.
    if (this.#joined !== undefined) this.#answerJoined(this.#awaited!, this.#joined);
    this.#awaited = result;
    this.#joined = undefined;
    return (this.#awaitedDone = result.then(
      (value) => {
        const joined = this.#takeJoined(result);
        this.complete(value, message);
        if (joined !== undefined) for (const m of joined) this.complete(value, m);
      },
      (err: unknown) => {
        const joined = this.#takeJoined(result);
        this.fail(err, message, HANDLE_OPERATION);
        if (joined !== undefined) for (const m of joined) this.fail(err, m, HANDLE_OPERATION);
      },
    ));
  }

  /** Once `result` settled, the messages that joined it, if it is still the one awaited. */
  #takeJoined(result: Promise<TOut | Drop | DropWith>): MessageContext[] | undefined {
    if (result !== this.#awaited) return undefined;
    // From here on, a message whose `execute` returns this settled promise waits on its own.
    this.#awaited = undefined;
    const joined = this.#joined;
    this.#joined = undefined;
    return joined;
  }

  #answerJoined(result: Promise<TOut | Drop | DropWith>, joined: readonly MessageContext[]): void {
    void result.then(
      (value) => {
        for (const m of joined) this.complete(value, m);
      },
      (err: unknown) => {
        for (const m of joined) this.fail(err, m, HANDLE_OPERATION);
      },
    );
  }

  private complete(result: TOut | Drop | DropWith, message: MessageContext): void {
    if (isDrop(result)) {
      const why = result as Partial<DropWith>;
      const dropped: SuccessEvent = {
        domain: this.id,
        operation: HANDLE_OPERATION,
        durationMs: endStage(message),
        messageId: message.id,
        reason: why.reason,
        detail: why.detail,
      };
      this.hooks.dropped.call(dropped, message);
      this.hooks.success.call(dropped, message);
      return;
    }
    const event: SuccessEvent = {
      domain: this.id,
      operation: HANDLE_OPERATION,
      durationMs: endStage(message),
      messageId: message.id,
    };
    try {
      // Downstream domains never throw from handle(); only a plain tap can land here.
      this.hooks.handled.call(result, message);
    } catch (err) {
      this.fail(err, message, FORWARD_OPERATION);
      return;
    }
    this.hooks.success.call(event, message);
  }

  private fail(err: unknown, message: MessageContext, operation: string): void {
    const event: ErrorEvent = {
      domain: this.id,
      operation,
      durationMs: endStage(message),
      messageId: message.id,
      errorType: errorTypeOf(err),
      message: messageOf(err),
      cause: err,
    };
    try {
      this.hooks.error.call(event, message);
    } catch (tapErr) {
      this.log.error(
        { err: tapErr, step: this.id },
        'an error observer threw; the event was not fully reported',
      );
    }
  }
}

/**
 * A domain of whatever types: what the host and tools hold steps as. `unknown` would not do:
 * a `BaseDomain<Record<string, unknown>>` is not assignable to `BaseDomain<unknown>`, since
 * `handle` takes its input.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type AnyDomain = BaseDomain<any, any>;
