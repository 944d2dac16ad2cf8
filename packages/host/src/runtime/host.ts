import { PluginError, TaplineError, messageOf, type Outcome, type prometheus } from '@tapline/core';
import { isSource, type Monitor } from '@tapline/core/internal';
import type { LoadedConfig } from '../config/loaded-config.js';
import { createControl, type HostControl } from './host-control.js';
import type { HostParts } from './host-parts.js';
import type { HostMetrics, HostState, HostStep, StopReport } from './host-types.js';
import type { RecentFailuresSnapshot } from './recent-failures.js';
import { stopHost } from './stop-host.js';
import { injectEntries, type ReplayEntry } from './inject.js';

/** Each host's named operations, kept beside it, out of its public surface. */
const controls = new WeakMap<Host, HostControl>();

/** The operations a reload performs on `host` (the package does not export this). */
export function controlOf(host: Host): HostControl {
  return controls.get(host)!;
}

/**
 * A wired pipeline. `start()` initializes every step (downstream first) and starts the sources;
 * `stop()` stops the sources, drains in-flight messages, shuts steps down in pipeline order and
 * flushes the dead letters. Make one with `createHost`.
 */
export class Host {
  /** The Prometheus registry plugins registered their metrics in. */
  readonly registry: prometheus.Registry;
  /** The Monitor every step reports to. */
  readonly monitor: Monitor;
  readonly config: LoadedConfig;
  readonly #parts: HostParts;
  private current: HostState = 'created';
  private startedAt: number | undefined;
  private stoppedAt: number | undefined;
  private stopping: Promise<StopReport> | undefined;
  private starting: Promise<void> | undefined;

  /** @internal Use `createHost`. */
  constructor(parts: HostParts) {
    this.#parts = parts;
    controls.set(this, createControl(parts));
    this.registry = parts.registry;
    this.monitor = parts.monitor;
    this.config = parts.config;
  }

  /** The enabled steps, in pipeline order (a reload may swap them). */
  get steps(): ReadonlyArray<HostStep> {
    return this.#parts.steps;
  }

  /** Where the host is in its life. */
  get state(): HostState {
    return this.current;
  }

  /** True only while the sources are started and none of them says it cannot take messages in. */
  get ready(): boolean {
    if (this.current !== 'running') return false;
    for (const s of this.steps) if (isSource(s.domain) && !s.domain.ready) return false;
    return true;
  }

  /**
   * Opens the dead-letter file, initializes every step downstream first, hands the sources the
   * host's intake and starts them. On failure, the steps already initialized are shut down
   * and the error is thrown wrapped (PluginError with step, plugin and phase).
   */
  start(options: { readonly sources?: boolean } = {}): Promise<void> {
    if (this.current !== 'created') {
      return Promise.reject(
        new TaplineError('TAPLINE_ERR_HOST_STATE', `A host starts once; this one is ${this.current}.`),
      );
    }
    this.current = 'starting';
    this.starting = this.runStart(options.sources ?? true);
    return this.starting;
  }

  private async runStart(withSources: boolean): Promise<void> {
    const { steps, deadLetters, logger } = this.#parts;
    const initialized: HostStep[] = [];
    let phase: 'initialize' | 'start' = 'initialize';
    let step: HostStep | undefined;
    const started: HostStep[] = [];
    try {
      await deadLetters.open().catch((err: unknown) => {
        throw new TaplineError(
          'TAPLINE_ERR_DEAD_LETTER',
          `Cannot open the dead-letter file: ${messageOf(err)}`,
          {
            cause: err,
          },
        );
      });
      for (let i = steps.length - 1; i >= 0; i--) {
        step = steps[i]!;
        // Without sources (a replay feeds the steps itself), a source is never initialized: that would bind.
        if (!withSources && isSource(step.domain)) continue;
        await step.domain.initialize();
        initialized.unshift(step);
      }
      if (!withSources) {
        this.startedAt = performance.now();
        this.current = 'running';
        logger.info({ steps: steps.map((s) => s.id) }, 'pipeline started without its sources');
        return;
      }
      phase = 'start';
      const control = controlOf(this);
      for (const s of steps) if (isSource(s.domain)) control.connectSource(s.domain);
      for (const s of steps) {
        if (!isSource(s.domain)) continue;
        step = s;
        await s.domain.start();
        started.push(s);
      }
    } catch (err) {
      const wrapped =
        err instanceof TaplineError && step === undefined
          ? err
          : new PluginError(step!.id, step!.plugin, phase, err);
      const cleanup =
        step !== undefined && !initialized.includes(step) ? [step, ...initialized] : initialized;
      const report = await stopHost(this.#parts, { sources: started, shutdown: cleanup, drain: false });
      for (const e of report.errors) logger.error({ err: e }, 'while undoing a failed start');
      this.current = 'stopped';
      this.stopping = Promise.resolve(report);
      throw wrapped;
    }
    this.startedAt = performance.now();
    this.current = 'running';
    logger.info({ steps: steps.map((s) => s.id) }, 'pipeline started');
  }

  /**
   * Stops the sources (they hand on what already reached the process), waits for in-flight
   * messages to end within `runtime.shutdownTimeoutMs`, shuts every step down in pipeline
   * order and closes the dead-letter file. Idempotent: later calls return the same report.
   */
  stop(): Promise<StopReport> {
    this.stopping ??= this.runStop();
    return this.stopping;
  }

  private async runStop(): Promise<StopReport> {
    // Only a stop during start waits: otherwise `ready` turns false and the signal aborts at once.
    if (this.current === 'starting') await this.starting?.catch(() => undefined);
    if (this.stopping !== undefined && this.current === 'stopped') return this.stopping;
    const running = this.current === 'running';
    this.current = 'stopping';
    const sources = running ? this.steps.filter((s) => isSource(s.domain)) : [];
    const report = await stopHost(this.#parts, { sources, shutdown: this.steps, drain: running });
    this.stoppedAt = performance.now();
    this.current = 'stopped';
    this.#parts.logger.info({ accounting: report.accounting, drained: report.drained }, 'pipeline stopped');
    return report;
  }

  /**
   * Reopens the dead-letter file and every step's output files at their paths (for log rotation
   * by another tool): each step that defines `reopen` is asked to.
   */
  async reopen(): Promise<void> {
    this.#parts.deadLetters.reopen();
    for (const s of this.steps) await s.domain.reopen?.();
  }

  /** What the sources that can tell took in again; undefined when none can. */
  private redelivered(): number | undefined {
    let total: number | undefined;
    for (const s of this.steps) {
      const n = isSource(s.domain) ? s.domain.redelivered : undefined;
      if (n !== undefined) total = (total ?? 0) + n;
    }
    return total;
  }

  /**
   * Sends records into the running chain at the steps named, as `tapline replay` does (source
   * `replay`); resolves to each one's outcome once it is durable.
   */
  replay(entries: readonly ReplayEntry[]): Promise<Outcome[]> {
    const { steps, accounting } = this.#parts;
    return injectEntries({ state: this.current, steps, registry: this.registry, accounting }, entries);
  }

  /** The latest failures (what their dead letters say, payloads cut short) and a count per error code. */
  recentFailures(): RecentFailuresSnapshot {
    return this.#parts.recentFailures.snapshot();
  }

  /** A plain JSON snapshot: the Monitor's metrics, accounting, end-to-end latency, the chain. */
  getMetrics(): HostMetrics {
    const { accounting } = this.#parts;
    const end = this.stoppedAt ?? performance.now();
    return {
      ...this.monitor.getMetrics(),
      accounting: accounting.snapshot(),
      lateDeadLetters: this.#parts.lateLetters.snapshot(),
      redelivered: this.redelivered(),
      latency: accounting.latency.stats(),
      steps: this.steps.map(({ id, plugin, kind, input, output, domain }) => {
        if (isSource(domain)) {
          const ready = this.current === 'running' && domain.ready;
          const redelivered = domain.redelivered;
          return redelivered === undefined
            ? { id, plugin, kind, input, output, ready }
            : { id, plugin, kind, input, output, ready, redelivered };
        }
        const outputs = domain.outputBooks?.();
        return outputs === undefined
          ? { id, plugin, kind, input, output }
          : { id, plugin, kind, input, output, outputs };
      }),
      state: this.current,
      uptimeMs: this.startedAt === undefined ? 0 : end - this.startedAt,
      reloads: this.#parts.reloads.snapshot(),
    };
  }
}
