import {
  ExportError,
  type AnyDomain,
  type ErrorEvent,
  type MessageContext,
  type Monitor,
  type SuccessEvent,
} from '@tapline/core';
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
}

/**
 * Taps one step once, at wiring time (never per message): its monitoring channel to the
 * Monitor, drops to the accounting, errors to the log and the dead letters and, once the dead letter is
 * written (or lost), to the accounting, and `handled` to a router that hands each message to
 * `next` (or, for the last step, completes it).
 */
export function wireStep(domain: AnyDomain, next: AnyDomain | undefined, wiring: Wiring): StepRouter {
  const { monitor, accounting, deadLetters, failures } = wiring;
  monitor.attach(domain);
  domain.onDropped(
    (event: SuccessEvent, message: MessageContext) => accounting.drop(message, event.reason),
    'tapline:accounting',
  );
  domain.onHeld((count: number) => accounting.hold(count), 'tapline:accounting');
  domain.onError((event: ErrorEvent, message: MessageContext) => {
    if (!accounting.failing(message)) return; // already given up on at a stop deadline
    failures.add(event);
    deadLetters.write(event, message).then(
      () => accounting.fail(message, false),
      () => {
        if (event.cause instanceof ExportError) event.cause.onLost?.(event.cause);
        accounting.fail(message, true);
      },
    );
  }, 'tapline:accounting');
  const router = new StepRouter(next, (message) => accounting.complete(message));
  domain.onHandled(router.forward, 'tapline:chain');
  wiring.routers.set(domain, router);
  return router;
}

/** Wires a chain of steps in order: each one's `handled` to the next one's `handle`. */
export function wire(domains: readonly AnyDomain[], wiring: Wiring): void {
  for (let i = 0; i < domains.length; i++) wireStep(domains[i]!, domains[i + 1], wiring);
}
