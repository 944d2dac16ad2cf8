import type { OutputBooks, Logger, TaplineError, prometheus, AnyDomain } from '@tapline/core';
import type { DurationStats, MonitorMetrics } from '@tapline/core/internal';
import type { ReloadSnapshot } from './reload-stats.js';
import type { PluginOrigin } from '../plugins/resolve-plugin.js';
import type { AccountingSnapshot } from './accounting.js';
import type { PlannedStep } from '../plan/chain.js';
import type { LateLettersSnapshot } from './late-letters.js';

/** Where a host is in its life. */
export type HostState = 'created' | 'starting' | 'running' | 'stopping' | 'stopped';

/** One enabled step of a host's pipeline, in order. */
export interface HostStep {
  /** The step id from the config. */
  readonly id: string;
  /** The plugin's manifest name (`tapline:processor`). */
  readonly plugin: string;
  /** What the config named: a package name or a path. */
  readonly specifier: string;
  /** The file URL the plugin's module was imported from. */
  readonly url: string;
  /** Where the plugin was loaded from: its file, package name and version. */
  readonly origin: PluginOrigin;
  readonly kind: 'source' | 'domain';
  /** The input type name, resolved for the step's options. */
  readonly input: string;
  /** The output type name, resolved for the step's options and the type it is fed. */
  readonly output: string;
  readonly domain: AnyDomain;
  /** @internal What the step was built from: a reload keeps the step when this is unchanged. */
  readonly planned: PlannedStep;
}

/** `Host.getMetrics()`: the Monitor's metrics plus accounting, latency and the chain. Plain JSON. */
export interface HostMetrics extends MonitorMetrics {
  readonly accounting: AccountingSnapshot;
  /**
   * Dead letters written (or lost) after their record completed: a disk-buffered target gave up
   * on a record from its log. Counted apart from `accounting`, where those records stay completed.
   */
  readonly lateDeadLetters: LateLettersSnapshot;
  /** Messages the sources took in that their broker had delivered before; absent when no source can tell. */
  readonly redelivered?: number;
  /** End to end: `receivedAt` to the last step's completion, over the last `durationsWindow`. */
  readonly latency: DurationStats;
  readonly steps: ReadonlyArray<{
    readonly id: string;
    readonly plugin: string;
    readonly kind: 'source' | 'domain';
    readonly input: string;
    readonly output: string;
    /** A step with named outputs of its own (an exporter's targets): their books, in order. */
    readonly outputs?: readonly OutputBooks[];
    /** A source: whether it takes messages in now (the host running, and the source able to). */
    readonly ready?: boolean;
    /** A source that can tell: the messages it took in that its broker had delivered before. */
    readonly redelivered?: number;
  }>;
  readonly state: HostState;
  /** Since `start()` succeeded (frozen at stop); 0 before. */
  readonly uptimeMs: number;
  /** Config reloads: how many succeeded and failed, and the last one. */
  readonly reloads: ReloadSnapshot;
}

/** What `Host.stop()` reports. */
export interface StopReport {
  /** Whether every in-flight message ended on its own within `shutdownTimeoutMs`. */
  readonly drained: boolean;
  /**
   * Messages still in flight when the budget ran out: dead-lettered with reason `shutdown
   * timeout` (their outcome is in `accounting`), plus any whose dead letter was not written yet.
   */
  readonly inFlightLeft: number;
  /** What failed while stopping: a source's stop, the drain, a step's shutdown, the dead letters. */
  readonly errors: TaplineError[];
  readonly accounting: AccountingSnapshot;
}

/** Options of `createHost`. */
export interface CreateHostOptions {
  /** Gets a child per step (`step` binding); default: silent. */
  logger?: Logger;
  /** The Prometheus registry plugins register in; default: a new one. */
  registry?: prometheus.Registry;
  /** Where `${VAR}` in plugin option defaults is read from (default: `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Tapline's own modules, where plugin packages are looked for after the config's folder. */
  installation?: readonly string[];
  /** The steps `loadPipeline` planned for this config; planned again when left out. */
  planned?: PlannedStep[];
}
