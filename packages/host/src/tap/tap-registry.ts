import type { AnyDomain, Logger } from '@tapline/core';
import { TapQueryError } from '@tapline/core/internal';
import type { HostStep } from '../runtime/host-types.js';
import { StepTaps } from './step-taps.js';
import type { TapListener, TapSide } from './tap-listener.js';

/** What the taps of a host have done, for `/api/metrics`: read per scrape. */
export interface TapSnapshot {
  /** Taps attached now (one per client, whatever its steps and sides). */
  readonly attached: number;
  /** Record lines handed to clients' connections, since start. */
  readonly sent: number;
  /** Samples skipped because a client's buffer was full, since start. */
  readonly skipped: number;
  /** Lines waiting in clients' buffers now. */
  readonly buffered: number;
  /** The most lines a client's buffer holds. */
  readonly bufferLimit: number;
}

/** The lines a tap's buffer holds at most. */
export const TAP_BUFFER_LINES = 256;
/** The bytes a tap's buffer holds at most, whatever its lines. */
export const TAP_BUFFER_BYTES = 1024 * 1024;

/** What a tap client counts into, for the snapshot. */
export interface TapCounters {
  attached: number;
  sent: number;
  skipped: number;
  buffered: number;
}

/**
 * Where taps attach to a host's steps. A step is wrapped only while tapped (see
 * `StepTaps`); a step's domain keeps its taps across a reload that keeps the step.
 */
export class TapRegistry {
  private readonly tapped = new Map<AnyDomain, StepTaps>();
  readonly counters: TapCounters = { attached: 0, sent: 0, skipped: 0, buffered: 0 };

  constructor(
    private readonly steps: () => readonly HostStep[],
    private readonly log: Logger,
  ) {}

  /** The step ids, in pipeline order. */
  stepIds(): string[] {
    return this.steps().map((s) => s.id);
  }

  /**
   * Attaches `listener` to `side` of step `id`; returns what detaches it (safe twice).
   * @throws TapQueryError for a step the pipeline does not have
   */
  attach(id: string, side: TapSide, listener: TapListener): () => void {
    const step = this.steps().find((s) => s.id === id);
    if (step === undefined) throw unknownStep(id, this.stepIds());
    const { domain } = step;
    let taps = this.tapped.get(domain);
    if (taps === undefined) {
      const onError = (err: unknown) => this.log.warn({ err, step: id }, 'a tap failed on a record');
      taps = new StepTaps(id, domain, step.output === 'receipt', onError);
      this.tapped.set(domain, taps);
    }
    const held = taps;
    held.add(side, listener);
    let attached = true;
    return () => {
      if (!attached) return;
      attached = false;
      held.remove(side, listener);
      if (held.empty && this.tapped.get(domain) === held) this.tapped.delete(domain);
    };
  }

  snapshot(): TapSnapshot {
    return { ...this.counters, bufferLimit: TAP_BUFFER_LINES };
  }
}

export function unknownStep(id: string, steps: readonly string[]): TapQueryError {
  return new TapQueryError(
    'step',
    `The pipeline has no step "${id}" (steps: ${steps.join(', ')}); tap one of those.`,
  );
}
