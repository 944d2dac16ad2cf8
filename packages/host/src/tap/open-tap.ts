import type { MessageContext } from '@tapline/core';
import { TapQueryError } from '@tapline/core/internal';
import { FollowTap, type FollowHost } from './follow-tap.js';
import { TAP_SIDES, type TapSide } from './tap-listener.js';
import type { TapQuery } from './tap-query.js';
import type { TapRegistry } from './tap-registry.js';
import type { TapSink } from './tap-sink.js';
import { TapStream } from './tap-stream.js';

/** What a followed message is looked up in: the host's accounting. */
export interface FollowSource extends FollowHost {
  /** At most the id of the next message taken in. */
  nextMessageId(): number;
  /** The message `id` while it is in flight. */
  openMessage(id: number): MessageContext | undefined;
}

/**
 * Attaches one client's taps: a {@link TapStream} to each step and side asked for, or a
 * {@link FollowTap} to every side of every step (for `next`, to the first step's input and
 * output until a message is picked: a `where` that never matches costs what a tap of one step
 * does). Returns what detaches them all (once);
 * `onEnd` is called when the tap is done by itself (its limit, its message's outcome).
 *
 * @throws TapQueryError for a message to follow that has already ended
 */
export function openTap(
  registry: TapRegistry,
  follow: FollowSource,
  query: TapQuery,
  sink: TapSink,
  onEnd: () => void,
): () => void {
  const detach: Array<() => void> = [];
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    for (const d of detach) d();
    stream?.stop();
    registry.counters.attached--;
  };
  const end = () => {
    close();
    onEnd();
  };
  let stream: TapStream | undefined;
  if (query.follow === undefined) {
    stream = new TapStream(sink, query, end);
    for (const step of query.steps)
      for (const side of query.sides) detach.push(registry.attach(step, side, stream));
  } else {
    const target = query.follow;
    const inFlight = target === 'next' ? undefined : follow.openMessage(target);
    if (target !== 'next' && inFlight === undefined && target < follow.nextMessageId()) {
      throw new TapQueryError(
        'follow',
        `Message ${target} has already ended; follow one in flight or yet to come, or follow=next for the next message (matching where).`,
      );
    }
    const attached = new Set<string>();
    const attach = (step: string, side: TapSide) => {
      const key = `${side} ${step}`;
      if (closed || attached.has(key)) return;
      attached.add(key);
      detach.push(registry.attach(step, side, tap));
    };
    // The steps as they are when the message is picked: a reload may have swapped them since.
    const attachAll = () => {
      for (const step of registry.stepIds()) for (const side of TAP_SIDES) attach(step, side);
    };
    const first = registry.stepIds()[0]!;
    const tap: FollowTap = new FollowTap(first, target, query.where, sink, follow, end, attachAll);
    if (target === 'next') {
      attach(first, 'input');
      attach(first, 'output');
    } else attachAll();
    if (inFlight !== undefined) tap.inFlight(inFlight);
  }
  registry.counters.attached++;
  return close;
}
