import type { MessageContext, AnyDomain } from '@tapline/core';

/** Where a step hands on the messages of one chain generation: those with `id >= since`. */
interface Route {
  readonly since: number;
  /** The next step in that generation; none: the step is the last, the message completes. */
  readonly next: AnyDomain | undefined;
  prev: Route | undefined;
}

/**
 * A step's hand-on (`handOn`). It forwards each batch to the next step of the chain its
 * messages started on: message ids increase in the order messages are taken in, so a chain
 * generation is the ids from its swap on. A reload adds a route instead of tapping again
 * (tapable recompiles a hook on every tap); routes older than every message in flight are
 * pruned, so the walk is one comparison outside a reload's drain.
 */
export class StepRouter {
  private route: Route;

  constructor(
    next: AnyDomain | undefined,
    private readonly complete: (messages: readonly MessageContext[], at: number) => void,
  ) {
    this.route = { since: 0, next, prev: undefined };
  }

  /**
   * Hands a batch on. A batch's ids increase (intake order), so one comparison of its first id
   * finds that the whole batch belongs to the newest generation; only during a reload's drain
   * is a batch split by generation.
   */
  readonly forward = (outputs: unknown[], messages: MessageContext[], at: number): void => {
    const r = this.route;
    if (messages[0]!.id >= r.since || r.prev === undefined) {
      this.send(r.next, outputs, messages, at);
      return;
    }
    let from = 0;
    while (from < messages.length) {
      const route = this.routeOf(messages[from]!);
      let to = from + 1;
      while (to < messages.length && this.routeOf(messages[to]!) === route) to++;
      this.send(route.next, outputs.slice(from, to), messages.slice(from, to), at);
      from = to;
    }
  };

  private routeOf(message: MessageContext): Route {
    let r = this.route;
    while (message.id < r.since && r.prev !== undefined) r = r.prev;
    return r;
  }

  private send(
    next: AnyDomain | undefined,
    outputs: unknown[],
    messages: MessageContext[],
    at: number,
  ): void {
    // handleBatch() never throws and never rejects, so its promise needs no handler.
    if (next === undefined) this.complete(messages, at);
    else void next.handleBatch(outputs, messages, at);
  }

  /** Messages with `id >= since` go to `next` from now on; older ones keep their route. */
  add(since: number, next: AnyDomain | undefined): void {
    this.route = { since, next, prev: this.route };
  }

  /** Forgets the routes of generations whose messages have all ended. */
  prune(): void {
    this.route.prev = undefined;
  }

  /** Drops the newest route: a swap that did not happen. */
  undo(): void {
    if (this.route.prev !== undefined) this.route = this.route.prev;
  }
}
