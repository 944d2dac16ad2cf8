import type { BaseDomain, ErrorEvent, MessageContext, Monitor } from '@tapline/core';
import type { Accounting } from './accounting.js';
import type { DeadLetters } from './dead-letters.js';

/**
 * Taps every step once, at wiring time (never per message): data from each step's `handled` to
 * the next step's `handle`, every step's monitoring channel to the Monitor, drops to the
 * accounting, errors to the dead letters and, once the dead letter is written (or lost), to the
 * accounting, and the last step's `handled` to completion.
 */
export function wire(
  domains: readonly BaseDomain<any, any>[],
  monitor: Monitor,
  accounting: Accounting,
  deadLetters: DeadLetters,
): void {
  const drop = (_event: unknown, message: MessageContext): void => accounting.drop(message);
  const fail = (event: ErrorEvent, message: MessageContext): void => {
    if (!accounting.failing(message)) return; // already given up on at a stop deadline
    deadLetters.write(event, message).then(
      () => accounting.fail(message, false),
      () => accounting.fail(message, true),
    );
  };
  const complete = (_output: unknown, message: MessageContext): void => accounting.complete(message);
  for (let i = 0; i < domains.length; i++) {
    const domain = domains[i]!;
    monitor.attach(domain);
    domain.onDropped(drop, 'tapline:accounting');
    domain.onError(fail, 'tapline:accounting');
    const next = domains[i + 1];
    if (next === undefined) {
      domain.onHandled(complete, 'tapline:accounting');
    } else {
      // handle() never throws and never rejects, so its promise needs no handler.
      domain.onHandled((output: unknown, message: MessageContext) => {
        next.handle(output, message);
      }, 'tapline:chain');
    }
  }
}
