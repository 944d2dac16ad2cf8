import { TaplineError, messageOf } from '@tapline/core';
import { formatProblems, problemsOf, reportedCodes } from '@tapline/core/internal';
import type { LoadedConfig } from '../config/loaded-config.js';
import { loadPipeline } from '../plan/plan-pipeline.js';
import type { HostControl } from '../runtime/host-control.js';
import { controlOf, type Host } from '../runtime/host.js';
import { restartNeeded } from './restart-needed.js';
import { swapChain } from './swap-chain.js';

export interface ReloaderOptions {
  /** Where `${VAR}` is read from (default: `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Tapline's own modules, where plugin packages are looked for after the config's folder. */
  installation?: readonly string[];
  /** Called with each config that was swapped in (to apply its log level, say). */
  applied?: (config: LoadedConfig) => void;
}

/**
 * Reloads a running host's config file on request (SIGHUP, a file watch). Each reload
 * validates the whole file as `tapline validate` does, then swaps the new chain in (see
 * `swapChain`); an invalid file or a failed swap leaves the running chain as it was and counts
 * as a failed reload. Reloads run one at a time: a request during a reload is queued, and one
 * reload, reading the file afresh, serves every request queued behind the running one.
 */
export class Reloader {
  private running: Promise<void> | undefined;
  private applying: Promise<unknown> | undefined;
  private queued: string[] = [];
  private closed = false;
  private readonly control: HostControl;

  constructor(
    private readonly host: Host,
    private readonly options: ReloaderOptions = {},
  ) {
    this.control = controlOf(host);
  }

  /** Asks for a reload; `reason` (`SIGHUP`, `watch`) is logged. */
  request(reason: string): void {
    const { logger } = this.control;
    if (this.closed) {
      logger.warn({ reason }, 'reload requested while the pipeline stops: not applied');
      return;
    }
    if (this.running !== undefined) {
      this.queued.push(reason);
      this.control.queueReloads(this.queued.length);
      logger.info(
        { reason, queued: this.queued.length },
        'a reload is under way: this one is queued behind it',
      );
      return;
    }
    this.running = this.serve(reason);
  }

  /** Resolves once no reload is under way or queued. */
  async idle(): Promise<void> {
    while (this.running !== undefined) await this.running;
  }

  /**
   * No reload starts after this. Resolves once a reload under way has swapped (or failed): the
   * host may then stop. Its removed steps are shut down once the stop drained their messages;
   * `idle()` waits for that too.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.queued.length > 0) {
      this.control.logger.warn(
        { queued: this.queued.length },
        'the pipeline stops: the queued reload is not applied',
      );
      this.queued = [];
      this.control.queueReloads(0);
    }
    await this.applying;
  }

  private async serve(first: string): Promise<void> {
    let reason: string | undefined = first;
    while (reason !== undefined && !this.closed) {
      const applying = this.apply(reason);
      this.applying = applying;
      const done = await applying;
      await done?.retired;
      reason = this.queued.length === 0 ? undefined : this.queued.join(', ');
      this.queued = [];
      this.control.queueReloads(0);
    }
    this.running = undefined;
  }

  /** One reload up to the swap; `retired` then waits for the old chain to drain. */
  private async apply(reason: string): Promise<{ retired: Promise<void> } | undefined> {
    const { logger } = this.control;
    const env = this.options.env;
    const started = performance.now();
    logger.info({ reason, config: this.host.config.file }, `reloading ${this.host.config.file} (${reason})`);
    let swapped;
    let config: LoadedConfig;
    try {
      if (this.host.state !== 'running') {
        throw new TaplineError(
          'TAPLINE_ERR_HOST_STATE',
          `The pipeline is ${this.host.state}; only a running one reloads.`,
        );
      }
      const { installation } = this.options;
      const loaded = await loadPipeline({ config: this.host.config.file, env, installation, log: logger });
      config = loaded.config;
      swapped = await swapChain(this.host, config, loaded.steps);
    } catch (err) {
      const codes = reportedCodes(err);
      this.control.recordReload('failure', performance.now() - started, {
        message: messageOf(err),
        ...codes,
      });
      const listed = problemsOf(err);
      const file = (err as { file?: string }).file ?? this.host.config.file;
      const problems =
        listed.length > 0
          ? formatProblems(file, listed)
              .split('\n')
              .slice(1)
              .map((l) => l.trim())
          : undefined;
      logger.error(
        { err, ...codes, problems, reason },
        `reload failed, the running pipeline goes on unchanged: ${messageOf(err).split('\n')[0]}`,
      );
      await this.reopen();
      return undefined;
    }
    const durationMs = performance.now() - started;
    this.control.recordReload('success', durationMs);
    const { kept, added, removed } = swapped;
    const chain = this.host.steps.map((s) => s.id);
    logger.info({ reason, chain, kept, added, removed, durationMs }, `config reloaded: ${chain.join(' → ')}`);
    this.restartNotice(config);
    this.options.applied?.(config);
    await this.reopen();
    return { retired: swapped.retired };
  }

  /** A reload, applied or not, also serves logrotate, which sends SIGHUP after moving the files. */
  private async reopen(): Promise<void> {
    if (this.host.state !== 'running') return;
    await this.host
      .reopen()
      .catch((err: unknown) => this.control.logger.error({ err }, 'could not reopen the files'));
  }

  private restartNotice(config: LoadedConfig): void {
    const settings = restartNeeded(this.host.config, config);
    if (settings.length === 0) return;
    this.control.logger.warn(
      { settings },
      `changed settings that apply only after a restart: ${settings.join(', ')}`,
    );
  }
}
