import { messageOf, type MessageContext, type Outcome } from '@tapline/core';
import { errorTypeOf } from '@tapline/core/internal';
import type { Predicate } from '@tapline/core/condition';
import { recordLine } from './record-line.js';
import type { Ending, TapListener } from './tap-listener.js';
import type { TapSink } from './tap-sink.js';

/** What following a message needs of the host. */
export interface FollowHost {
  /** Calls `fn` once with the message's outcome, once durable. */
  observe(message: MessageContext, fn: (outcome: Outcome) => void): void;
  /** Where dead letters go, or false when none are kept. */
  readonly deadLetterFile: string | false;
}

/** Where the followed message is in `messages` (ids increase within a batch), or -1. */
function indexOf(messages: readonly MessageContext[], id: number): number {
  const n = messages.length;
  if (n === 0 || messages[0]!.id > id || messages[n - 1]!.id < id) return -1;
  for (let i = 0; i < n; i++) if (messages[i]!.id === id) return i;
  return -1;
}

/**
 * Follows one message through every step: the record each step was handed and what it handed
 * on (with the record's share of its batch's time in the step), how it ended at a step, then
 * its outcome, and ends. `next` picks the next message whose record, as the first step hands
 * it on, holds for `where`: until then only the first step need be tapped, and `onFound` is
 * called when it is picked (from the first step's hand-on, before any later step has it).
 *
 * It keeps the record each step was handed for its one message, and never asks a step to
 * remember every record's (see {@link FollowTap.wants}): a message far ahead, or a `next` that
 * never matches, costs a step no per-record work.
 */
export class FollowTap implements TapListener {
  private id: number | undefined;
  private message: MessageContext | undefined;
  /** When the followed message's batch entered each step, and how many records it held. */
  private readonly entered = new Map<string, { at: number; size: number }>();
  /** The record each step was handed for the followed message (for a drop, a terminal step's output). */
  private readonly handed = new Map<string, unknown>();
  private firstBatch: { at: number; size: number } | undefined;
  private ending: { step: string; side: 'dropped' | 'failed'; ending: Ending } | undefined;
  private done = false;

  constructor(
    private readonly first: string,
    target: number | 'next',
    private readonly where: Predicate | undefined,
    private readonly sink: TapSink,
    private readonly host: FollowHost,
    private readonly onEnd: () => void,
    private readonly onFound: () => void = () => undefined,
  ) {
    if (target !== 'next') this.id = target;
  }

  /** Never: what a step was handed is kept here for the one message, not by the step for all. */
  wants(): boolean {
    return false;
  }

  /** The followed message is already in flight: its outcome is watched from now. */
  inFlight(message: MessageContext): void {
    this.watch(message);
  }

  batch(
    step: string,
    side: 'input' | 'output',
    records: readonly unknown[],
    messages: readonly MessageContext[],
    at: number,
    entered?: (message: MessageContext) => unknown,
  ): void {
    if (this.done) return;
    if (this.id === undefined) {
      if (step !== this.first) return;
      if (side === 'input') this.firstBatch = { at, size: messages.length };
      else this.pick(records, messages, at);
      return;
    }
    const i = indexOf(messages, this.id);
    if (i === -1) return;
    const m = messages[i]!;
    this.watch(m);
    if (side === 'input') {
      this.entered.set(step, { at, size: messages.length });
      this.handed.set(step, records[i]);
      this.sink.tell(recordLine(step, 'input', m, records[i]));
      return;
    }
    const e = this.entered.get(step);
    const durationMs = e === undefined ? undefined : (at - e.at) / e.size;
    const record = entered === undefined ? records[i] : (entered(m) ?? this.handed.get(step));
    const receipt = entered === undefined ? undefined : records[i];
    this.sink.tell(recordLine(step, 'output', m, record, { durationMs, receipt }));
  }

  ended(step: string, side: 'dropped' | 'failed', record: unknown, message: MessageContext, ending: Ending) {
    if (this.done || message.id !== this.id) return;
    this.ending = { step, side, ending };
    this.sink.tell(recordLine(step, side, message, record ?? this.handed.get(step), ending));
  }

  /** `next`: the first record of the first step's batch that holds for `where`. */
  private pick(records: readonly unknown[], messages: readonly MessageContext[], at: number): void {
    for (let i = 0; i < messages.length; i++) {
      if (!this.matches(records[i])) continue;
      const m = messages[i]!;
      this.id = m.id;
      this.watch(m);
      this.onFound();
      if (this.firstBatch !== undefined) this.entered.set(this.first, this.firstBatch);
      this.batch(this.first, 'input', [m.raw], [m], this.firstBatch?.at ?? at);
      this.entered.set(this.first, this.firstBatch ?? { at, size: messages.length });
      this.batch(this.first, 'output', [records[i]], [m], at);
      return;
    }
  }

  private matches(record: unknown): boolean {
    if (this.where === undefined) return true;
    try {
      return this.where(record);
    } catch {
      return false;
    }
  }

  private watch(message: MessageContext): void {
    if (this.message !== undefined) return;
    this.message = message;
    this.host.observe(message, (outcome) => this.finish(outcome));
  }

  private finish(outcome: Outcome): void {
    if (this.done) return;
    this.done = true;
    const line: Record<string, unknown> = { type: 'outcome', id: this.id, outcome };
    const e = this.ending;
    if (e !== undefined && outcome !== 'completed') {
      line.step = e.step;
      if (e.side === 'dropped') line.reason = e.ending.reason ?? 'filtered';
      else line.error = { code: errorTypeOf(e.ending.error), message: messageOf(e.ending.error) };
    }
    if (outcome === 'failed' && this.host.deadLetterFile !== false)
      line.deadLetter = this.host.deadLetterFile;
    this.sink.tell(JSON.stringify(line));
    this.onEnd();
  }
}
