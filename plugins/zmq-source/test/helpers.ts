import { Push } from 'zeromq';
import {
  createMessageContext,
  type BaseDomain,
  type ErrorEvent,
  type Intake,
  type MessageContext,
} from '@tapline/core';

/** What a domain forwarded and what it reported as errors. */
export function collect<T>(domain: BaseDomain<any, T>) {
  const outputs: Array<{ value: T; message: MessageContext }> = [];
  const errors: Array<{ event: ErrorEvent; message: MessageContext }> = [];
  domain.onHandled((value, message) => void outputs.push({ value, message }));
  domain.onError((event, message) => void errors.push({ event, message }));
  return { outputs, errors };
}

/** An intake with a hard in-flight limit; the test completes messages with `release`. */
export class LimitedIntake implements Intake {
  inFlight = 0;
  accepted = 0;
  private waiters: Array<() => void> = [];
  constructor(public limit: number) {}
  get hasCapacity(): boolean {
    return this.inFlight < this.limit;
  }
  waitForCapacity(): Promise<void> {
    if (this.hasCapacity) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  accept(source: string, raw?: unknown, attributes?: Record<string, unknown>): MessageContext {
    this.inFlight++;
    this.accepted++;
    return createMessageContext(source, raw, attributes);
  }
  release(n = this.inFlight): void {
    this.inFlight -= n;
    while (this.hasCapacity && this.waiters.length > 0) this.waiters.shift()!();
  }
  setLimit(limit: number): void {
    this.limit = limit;
    this.release(0);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until `cond` holds; fails the test with `what` after `timeoutMs`. */
export async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/** Sockets and sources a test opened; `closeOpened` (after each test) closes them all. */
export const opened: Array<{ close(): void } | { shutdown(): void | Promise<void> }> = [];

export async function closeOpened(): Promise<void> {
  for (const x of opened.splice(0)) {
    if ('shutdown' in x) await x.shutdown();
    else x.close();
  }
}

/** A PUSH socket connected to `endpoint`, closed after the test. */
export function pusher(endpoint: string): Push {
  const p = new Push({ linger: 0 });
  p.connect(endpoint);
  opened.push(p);
  return p;
}
