import type { Logger } from '@tapline/core';
import { silentLogger } from '@tapline/core/internal';
import { controlOf, type Host } from '../runtime/host.js';
import { openTap } from './open-tap.js';
import type { TapQuery } from './tap-query.js';
import { TapRegistry, type TapCounters, type TapSnapshot } from './tap-registry.js';
import type { TapSink } from './tap-sink.js';

/** A host's live taps, as its monitoring API serves them (`GET /api/tap`). */
export class HostTaps {
  readonly registry: TapRegistry;

  constructor(
    private readonly host: Host,
    log: Logger = silentLogger,
  ) {
    this.registry = new TapRegistry(() => host.steps, log);
  }

  get tapCounters(): TapCounters {
    return this.registry.counters;
  }

  tapSteps(): string[] {
    return this.registry.stepIds();
  }

  /** Attaches a client's taps; returns what detaches them. @throws TapQueryError */
  openTap(query: TapQuery, sink: TapSink, onEnd: () => void): () => void {
    return openTap(this.registry, controlOf(this.host), query, sink, onEnd);
  }

  snapshot(): TapSnapshot {
    return this.registry.snapshot();
  }
}
