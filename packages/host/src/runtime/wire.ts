import { ExportError, type AnyDomain } from '@tapline/core';
import type { Monitor } from '@tapline/core/internal';
import { errorEvent } from '@tapline/core/internal';
import type { Accounting } from './accounting.js';
import type { DeadLetters } from './dead-letters.js';
import type { FailureLog } from './failure-log.js';
import { StepRouter } from './step-router.js';

/** What every step is wired to. */
export interface Wiring {
  readonly monitor: Monitor;
  readonly accounting: Accounting;
  readonly deadLetters: DeadLetters;
  readonly failures: FailureLog;
  /** Each wired step's `handled` router, by domain. */
  readonly routers: Map<AnyDomain, StepRouter>;
  /**
   * The step the source hands its records to: its dead letters' payload is the record as it
   * received it, so they keep no input of their own. Set by whoever puts a chain in place.
   */
  afterSource: AnyDomain | undefined;
}

/**
 * Wires one step once (never per message): its meter to the Monitor, its ledger to the
 * accounting (drops; failures to the log and the dead letters and, once the dead letter is
 * written or lost, to the accounting), and its hand-on to a router that hands each batch to
 * `next` (or, for the last step, completes it). None of it makes a per-record event object.
 */
export function wireStep(domain: AnyDomain, next: AnyDomain | undefined, wiring: Wiring): StepRouter {
  const { monitor, accounting, deadLetters, failures } = wiring;
  monitor.attach(domain);
  domain.onHeld((count: number) => accounting.hold(count), 'tapline:accounting');
  domain.ledger = {
    dropped: (message, reason) => accounting.drop(message, reason),
    failed: (err, message, operation, durationMs, input) => {
      if (!accounting.failing(message)) return; // already given up on at a stop deadline
      // Made for a failure only: it is what the dead letter and the failure log say.
      const event = errorEvent(domain.id, operation, durationMs, message, err);
      failures.add(event);
      // The record as the step held it, for a replay to enter there; the source's input is the
      // payload itself, and the step after it gets what the payload makes.
      const own = input !== message.raw && domain !== wiring.afterSource ? input : undefined;
      deadLetters.write(event, message, own).then(
        () => accounting.fail(message, false),
        () => {
          if (err instanceof ExportError) err.onLost?.(err);
          accounting.fail(message, true);
        },
      );
    },
  };
  const router = new StepRouter(next, (messages, at) => accounting.completeBatch(messages, at));
  domain.handOn = router.forward;
  wiring.routers.set(domain, router);
  return router;
}

/** Wires a chain of steps in order: each one's `handled` to the next one's `handle`. */
export function wire(domains: readonly AnyDomain[], wiring: Wiring): void {
  wiring.afterSource = domains[1];
  for (let i = 0; i < domains.length; i++) wireStep(domains[i]!, domains[i + 1], wiring);
}
