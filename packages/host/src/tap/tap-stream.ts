import type { MessageContext } from '@tapline/core';
import type { Predicate } from '@tapline/core/condition';
import { recordLine, type LineExtra } from './record-line.js';
import { Reservoir } from './reservoir.js';
import type { Ending, TapListener, TapSide } from './tap-listener.js';
import type { TapSink } from './tap-sink.js';

/** What a tap client asked for, beyond its steps and sides. */
export interface TapFilter {
  /** Only records it holds for travel; evaluated in the host. */
  readonly where?: Predicate;
  /** At most this many records a second, a uniform sample of each second's. */
  readonly rate?: number;
  /** Ends the tap after this many records. */
  readonly limit?: number;
}

interface Sampled {
  readonly id: number;
  readonly line: string;
}

/**
 * One client's tap: filters in the host, samples, and hands lines to its bounded sink. A line
 * is made only for a record that is sent, or that enters a rate's sample.
 */
export class TapStream implements TapListener {
  private taken = 0;
  private done = false;
  private readonly reservoir: Reservoir<Sampled> | undefined;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sink: TapSink,
    private readonly filter: TapFilter,
    /** Called once, when the limit is reached. */
    private readonly onLimit: () => void,
  ) {
    const rate = filter.rate;
    if (rate !== undefined) {
      // A rate below one a second samples one record per 1/rate seconds.
      const size = Math.max(1, Math.floor(rate));
      this.reservoir = new Reservoir(size);
      this.timer = setInterval(() => this.release(), 1000 * (size / rate));
      this.timer.unref();
    }
  }

  wants(): boolean {
    return !this.done && (this.reservoir !== undefined || !this.sink.full);
  }

  batch(
    step: string,
    side: 'input' | 'output',
    records: readonly unknown[],
    messages: readonly MessageContext[],
    _at: number,
    entered?: (message: MessageContext) => unknown,
  ): void {
    if (this.done) return;
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      if (entered === undefined) this.offer(step, side, m, records[i]);
      else {
        // Not remembered: the buffer was full when the step was handed it.
        const record = entered(m);
        if (record === undefined) this.sink.skip();
        else this.offer(step, side, m, record, { receipt: records[i] });
      }
    }
  }

  ended(step: string, side: 'dropped' | 'failed', record: unknown, message: MessageContext, ending: Ending) {
    if (this.done) return;
    if (record === undefined) this.sink.skip();
    else this.offer(step, side, message, record, ending);
  }

  /** Detached: no more samples. */
  stop(): void {
    this.done = true;
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  private offer(step: string, side: TapSide, message: MessageContext, record: unknown, extra?: LineExtra) {
    if (!this.matches(record)) return;
    if (this.reservoir !== undefined) {
      const slot = this.reservoir.slot();
      if (slot >= 0)
        this.reservoir.put(slot, { id: message.id, line: recordLine(step, side, message, record, extra) });
      return;
    }
    if (this.sink.full) return this.sink.skip();
    this.send(recordLine(step, side, message, record, extra));
  }

  private matches(record: unknown): boolean {
    const where = this.filter.where;
    if (where === undefined) return true;
    try {
      return where(record);
    } catch {
      return false; // a record the condition cannot be evaluated on (a field it lacks) is not selected
    }
  }

  /** A rate's interval ended: its sample goes out, in the order the records were taken in. */
  private release(): void {
    const sample = this.reservoir!.take().sort((a, b) => a.id - b.id);
    for (const s of sample) {
      if (this.done) return;
      if (this.sink.full) this.sink.skip();
      else this.send(s.line);
    }
  }

  private send(line: string): void {
    this.sink.push(line);
    if (++this.taken === this.filter.limit) {
      this.stop();
      this.onLimit();
    }
  }
}
