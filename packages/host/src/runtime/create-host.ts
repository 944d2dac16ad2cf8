import {
  Monitor,
  PluginError,
  PluginLoadError,
  prometheus,
  reportIntervalMs,
  silentLogger,
  type PluginContext,
  type AnyDomain,
} from '@tapline/core';
import type { LoadedConfig } from '../config/loaded-config.js';
import { planPipeline } from '../plan/plan-pipeline.js';
import { Accounting } from './accounting.js';
import type { PlannedStep } from '../plan/chain.js';
import { DeadLetters } from './dead-letters.js';
import { FailureLog } from './failure-log.js';
import { RecentFailures } from './recent-failures.js';
import { Host } from './host.js';
import type { HostParts } from './host-parts.js';
import { checkKinds, hostStepOf, pluginContext } from './host-step.js';
import type { CreateHostOptions, HostStep } from './host-types.js';
import { wire, type Wiring } from './wire.js';
import { ReloadStats } from './reload-stats.js';

function looksLikeDomain(value: unknown): value is AnyDomain {
  const d = value as Partial<AnyDomain> | null;
  return (
    d !== null &&
    typeof d === 'object' &&
    typeof d.handle === 'function' &&
    typeof d.handleBatch === 'function' &&
    typeof d.onHandled === 'function' &&
    typeof d.initialize === 'function' &&
    typeof d.shutdown === 'function'
  );
}

export async function createDomain(p: PlannedStep, ctx: PluginContext): Promise<AnyDomain> {
  let domain: unknown;
  try {
    domain = await p.manifest.create(p.options, ctx);
  } catch (err) {
    throw new PluginError(p.id, p.manifest.name, 'create', err);
  }
  const name = p.manifest.name;
  if (!looksLikeDomain(domain)) {
    throw new PluginLoadError(
      'TAPLINE_ERR_PLUGIN_INVALID',
      p.id,
      name,
      'its create() did not return a BaseDomain',
    );
  }
  if (domain.id !== p.id) {
    throw new PluginLoadError(
      'TAPLINE_ERR_PLUGIN_INVALID',
      p.id,
      name,
      `its domain's id is "${domain.id}", not the step id; pass the context to the BaseDomain constructor (super(ctx))`,
    );
  }
  return domain;
}

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
  try {
    const shared = { logger, registry, signal: controller.signal };
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
  const recentFailures = new RecentFailures();
  const deadLetters = new DeadLetters(config.deadLetter, logger, recentFailures);
  const failures = new FailureLog(logger, reportIntervalMs(env));
  const wiring: Wiring = { monitor, accounting, deadLetters, failures, routers: new Map() };
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
    controller,
    wiring,
    reloads,
  };
  return new Host(parts);
}
