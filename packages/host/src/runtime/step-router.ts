import type { MessageContext, AnyDomain } from '@tapline/core';

/** Where a step hands on the messages of one chain generation: those with `id >= since`. */
interface Route {
  readonly since: number;
  /** The next step in that generation; none: the step is the last, the message completes. */
  readonly next: AnyDomain | undefined;
  prev: Route | undefined;
}

/**
 * A step's one `handled` tap. It forwards each message to the next step of the chain the
 * message started on: message ids increase in the order messages are taken in, so a chain
 * generation is the ids from its swap on. A reload adds a route instead of tapping again
 * (tapable recompiles a hook on every tap); routes older than every message in flight are
 * pruned, so the walk is one comparison outside a reload's drain.
 */
export class StepRouter {
  private route: Route;

  constructor(
    next: AnyDomain | undefined,
    private readonly complete: (message: MessageContext) => void,
  ) {
    this.route = { since: 0, next, prev: undefined };
  }

  readonly forward = (output: unknown, message: MessageContext): void => {
    let r = this.route;
    while (message.id < r.since && r.prev !== undefined) r = r.prev;
    const next = r.next;
    // handle() never throws and never rejects, so its promise needs no handler.
    if (next === undefined) this.complete(message);
    else void next.handle(output, message);
  };

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
