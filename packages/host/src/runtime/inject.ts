import { TaplineError, prometheus, type Outcome } from '@tapline/core';
import type { Accounting } from './accounting.js';
import type { HostState, HostStep } from './host-types.js';

/** One record sent into a running chain at a step, as a replayed letter enters. */
export interface ReplayEntry {
  /** The id of the step it enters at. */
  readonly step: string;
  /** What that step is handed. */
  readonly value: unknown;
  /** The message's raw payload (for the dead letter, should it fail again). */
  readonly raw: Uint8Array;
  readonly attributes?: Record<string, unknown>;
}

const counters = new WeakMap<prometheus.Registry, prometheus.Counter<'outcome'>>();

function replayCounter(registry: prometheus.Registry): prometheus.Counter<'outcome'> {
  let counter = counters.get(registry);
  if (counter === undefined) {
    counter = new prometheus.Counter({
      name: 'tapline_replay_records_total',
      help: 'Dead letters sent back through the pipeline by tapline replay, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    });
    counters.set(registry, counter);
  }
  return counter;
}

/** What of a host the entries are taken into. */
export interface InjectTarget {
  readonly state: HostState;
  readonly steps: readonly HostStep[];
  readonly registry: prometheus.Registry;
  readonly accounting: Accounting;
}

/**
 * Takes each entry in (source `replay`, within `maxInFlight` as any source's messages are) and
 * hands it to its step; resolves to each one's outcome once it is durable. Every step named
 * must exist before any entry is taken in.
 *
 * @throws TaplineError `TAPLINE_ERR_HOST_STATE` when the host is not running,
 *   `TAPLINE_ERR_REPLAY_STEP` naming a step the pipeline does not have
 */
export async function injectEntries(host: InjectTarget, entries: readonly ReplayEntry[]): Promise<Outcome[]> {
  if (host.state !== 'running') {
    throw new TaplineError(
      'TAPLINE_ERR_HOST_STATE',
      `A host takes replayed records while running; this one is ${host.state}.`,
    );
  }
  const byId = new Map(host.steps.map((s) => [s.id, s]));
  const unknown = entries.find((e) => !byId.has(e.step));
  if (unknown !== undefined) {
    throw new TaplineError(
      'TAPLINE_ERR_REPLAY_STEP',
      `The pipeline has no step "${unknown.step}" (steps: ${[...byId.keys()].join(', ')}); replay against the config the letters came from, or choose --from-step.`,
    );
  }
  const counter = replayCounter(host.registry);
  const { accounting } = host;
  const outcomes: Promise<Outcome>[] = [];
  for (const e of entries) {
    await accounting.waitForCapacity();
    const message = accounting.accept('replay', e.raw, e.attributes);
    outcomes.push(
      new Promise<Outcome>((resolve) => accounting.observe(message, resolve)).then((o) => {
        counter.inc({ outcome: o });
        return o;
      }),
    );
    void byId.get(e.step)!.domain.handle(e.value, message);
  }
  return Promise.all(outcomes);
}
