import { createMessageContext, type BaseDomain, type ErrorEvent, type MessageContext } from '@tapline/core';
import { runDomain } from '@tapline/testkit';

/** What one handle() call produced on each channel. */
export interface Outcome<T> {
  forwarded: T[];
  dropped: number;
  errors: ErrorEvent[];
  message: MessageContext;
}

/** Runs one input through a domain's handle() and collects what its hooks saw. */
export async function run<I, O>(domain: BaseDomain<I, O>, input: I): Promise<Outcome<O>> {
  const message = createMessageContext('test');
  const { outputs, events } = await runDomain(domain, [input], { contexts: [message] });
  return { forwarded: outputs, dropped: events.dropped.length, errors: events.error, message };
}
