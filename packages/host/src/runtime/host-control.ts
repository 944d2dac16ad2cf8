import { PluginError, type AnySource, type Logger, type MessageContext, type Outcome } from '@tapline/core';
import { connectIntake, type ReportedCodes } from '@tapline/core/internal';
import type { PlannedStep } from '../plan/chain.js';
import type { Accounting } from './accounting.js';
import { createDomain } from './create-domain.js';
import type { HostParts } from './host-parts.js';
import { hostStepOf, pluginContext } from './host-step.js';
import type { HostStep } from './host-types.js';
import type { ReloadResult } from './reload-stats.js';
import { wireStep } from './wire.js';

type Settle = Accounting['notify'];

/**
 * What a reload (and a tap following a message) may do to a running host, each by name. The host's parts stay behind these:
 * which chain runs, where each step hands on, and which source is told an outcome change only
 * here. Reached through `controlOf(host)`, which the package does not export.
 */
export interface HostControl {
  readonly logger: Logger;
  /** How many reloads wait behind the running one (`/api/metrics` `reloads.queued`). */
  queueReloads(count: number): void;
  /** Counts a reload that ended, and keeps it as the last one. */
  recordReload(result: ReloadResult, durationMs: number, failure?: { message: string } & ReportedCodes): void;
  /**
   * A step made from its plan: `kept`'s domain, or one its plugin creates now (not initialized),
   * which takes over what it can from the running step of the same id and plugin (`takeOver`).
   */
  createStep(planned: PlannedStep, configDir: string, kept?: HostStep): Promise<HostStep>;
  /** At most the id of the next message taken in: a new chain takes the messages from it on. */
  nextMessageId(): number;
  /** The id of the oldest message whose outcome is not known yet. */
  oldestOpenId(): number | undefined;
  /**
   * Makes `steps` the chain: the `built` ones wired afresh, the kept ones handing messages with
   * ids from `since` on to their new next step (older ones finish on the chain they started
   * on). Synchronous, so no message sees half a swap. Returns what undoes it.
   */
  swapSteps(steps: readonly HostStep[], built: readonly HostStep[], since: number): () => void;
  /** Forgets the routes of the chains before the running one, and the `removed` steps' routes. */
  forgetRoutes(removed: readonly HostStep[]): void;
  /**
   * Hands a source the host's intake and tells it the outcomes of its messages when it asks. With
   * `since`, outcomes of messages taken in before it still go to the source connected before
   * (it took them in); the function returned ends that once they have all ended.
   */
  connectSource(source: AnySource, since?: number): () => void;
  /** A tap following a message: calls `fn` once with its outcome, once durable. */
  observe(message: MessageContext, fn: (outcome: Outcome) => void): void;
  /** A tap following a message: the message `id` while it is in flight. */
  openMessage(id: number): MessageContext | undefined;
  /** Where dead letters go (an absolute path), or false when none are kept. */
  readonly deadLetterFile: string | false;
}

/** The operations over one host's parts: only the host constructs them. */
export function createControl(parts: HostParts): HostControl {
  const { logger, registry, controller, accounting, wiring, reloads, deadLetters, lateLetters } = parts;
  const shared = { logger, registry, signal: controller.signal, lateLetters };
  return {
    logger,
    queueReloads: (count) => {
      reloads.queued = count;
    },
    recordReload: (result, durationMs, failure) => reloads.record(result, durationMs, failure),
    createStep: async (p, configDir, kept) => {
      if (kept !== undefined) return hostStepOf(p, kept.domain);
      const step = hostStepOf(p, await createDomain(p, pluginContext(p, configDir, shared)));
      const previous = parts.steps.find((s) => s.id === p.id && s.planned.manifest === p.manifest);
      if (previous === undefined || step.domain.takeOver === undefined) return step;
      try {
        step.domain.takeOver(previous.domain);
      } catch (err) {
        await Promise.resolve(step.domain.shutdown()).catch(() => {});
        throw new PluginError(step.id, step.plugin, 'initialize', err);
      }
      return step;
    },
    nextMessageId: () => accounting.nextId(),
    oldestOpenId: () => accounting.oldestOpenId(),
    observe: (message, fn) => accounting.observe(message, fn),
    openMessage: (id) => accounting.openMessage(id),
    deadLetterFile: deadLetters.file,
    swapSteps: (steps, built, since) => {
      const old = parts.steps;
      steps.forEach((s, i) => {
        const next = steps[i + 1]?.domain;
        if (built.includes(s)) wireStep(s.domain, next, wiring);
        else wiring.routers.get(s.domain)!.add(since, next);
      });
      parts.steps = steps;
      wiring.afterSource = steps[1]?.domain;
      return () => {
        for (const s of steps) if (!built.includes(s)) wiring.routers.get(s.domain)!.undo();
        for (const s of built) wiring.routers.delete(s.domain);
        parts.steps = old;
        wiring.afterSource = old[1]?.domain;
      };
    },
    forgetRoutes: (removed) => {
      for (const s of parts.steps) wiring.routers.get(s.domain)?.prune();
      for (const s of removed) wiring.routers.delete(s.domain);
    },
    connectSource: (source, since) => {
      const before = accounting.notify;
      connectIntake(source, accounting);
      const fresh: Settle =
        typeof source.settled === 'function' ? (m, outcome) => source.settled!(m, outcome) : undefined;
      accounting.notify = fresh;
      if (since === undefined || before === undefined) return () => {};
      const routed: Settle = (m, outcome) => (m.id < since ? before : fresh)?.(m, outcome);
      accounting.notify = routed;
      return () => {
        if (accounting.notify === routed) accounting.notify = fresh;
      };
    },
  };
}
