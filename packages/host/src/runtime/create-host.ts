import { prometheus } from '@tapline/core';
import { Monitor, reportIntervalMs, silentLogger } from '@tapline/core/internal';
import type { LoadedConfig } from '../config/loaded-config.js';
import { planPipeline } from '../plan/plan-pipeline.js';
import { Accounting } from './accounting.js';
import { createDomain } from './create-domain.js';
import { DeadLetters } from './dead-letters.js';
import { FailureLog } from './failure-log.js';
import { RecentFailures } from './recent-failures.js';
import { Host } from './host.js';
import { LateLetters } from './late-letters.js';
import type { HostParts } from './host-parts.js';
import { checkKinds, hostStepOf, pluginContext } from './host-step.js';
import type { CreateHostOptions, HostStep } from './host-types.js';
import { wire, type Wiring } from './wire.js';
import { ReloadStats } from './reload-stats.js';

/**
 * Builds a host from a loaded config: loads each enabled step's plugin, validates its options
 * (every problem at once, with lines), checks the chain's types, creates the domains and wires
 * data, monitoring, accounting and dead letters. Opens nothing: `start()` does.
 *
 * @throws PluginLoadError, ConfigError (`TAPLINE_ERR_OPTIONS_INVALID`), ChainError, PluginError (phase `create`)
 */
export async function createHost(config: LoadedConfig, opts: CreateHostOptions = {}): Promise<Host> {
  const logger = opts.logger ?? silentLogger;
  const registry = opts.registry ?? new prometheus.Registry();
  const { env, installation } = opts;
  const planned = opts.planned ?? (await planPipeline(config, { env, installation, log: logger }));
  const monitor = new Monitor({ durationsWindow: config.monitor.durationsWindow });
  const controller = new AbortController();
  const steps: HostStep[] = [];
  const recentFailures = new RecentFailures();
  const deadLetters = new DeadLetters(config.deadLetter, logger, recentFailures);
  const lateLetters = new LateLetters(deadLetters, logger);
  try {
    const shared = { logger, registry, signal: controller.signal, lateLetters };
    for (const p of planned) {
      steps.push(hostStepOf(p, await createDomain(p, pluginContext(p, config.dir, shared))));
    }
    checkKinds(steps);
  } catch (err) {
    // create() only constructs, but a plugin may have acquired something anyway.
    await Promise.allSettled(steps.map(async (s) => s.domain.shutdown()));
    throw err;
  }
  const accounting = new Accounting(
    config.runtime.maxInFlight,
    config.monitor.durationsWindow,
    config.runtime.batchMax,
  );
  const failures = new FailureLog(logger, reportIntervalMs(env));
  const wiring: Wiring = {
    monitor,
    accounting,
    deadLetters,
    failures,
    routers: new Map(),
    afterSource: undefined,
  };
  wire(
    steps.map((s) => s.domain),
    wiring,
  );
  const reloads = new ReloadStats();
  const parts: HostParts = {
    config,
    steps,
    monitor,
    registry,
    logger,
    accounting,
    deadLetters,
    recentFailures,
    lateLetters,
    controller,
    wiring,
    reloads,
  };
  return new Host(parts);
}
