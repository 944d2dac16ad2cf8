import { Push } from 'zeromq';
import { createMessageContext, type Intake, type MessageContext } from '@tapline/core';
import { ZmqSourceDomain, type ZmqSourceOptions } from '../src/index.js';

/**
 * An intake with a hard in-flight limit; the test completes messages with `release`. A message
 * accepted while it had no capacity is counted in `overruns`: a source must never make one.
 * `blocked()` resolves once the source waits for capacity: the moment to check it read no further.
 */
export class LimitedIntake implements Intake {
  inFlight = 0;
  accepted = 0;
  overruns = 0;
  private waiters: Array<() => void> = [];
  private watchers: Array<() => void> = [];
  constructor(public limit: number) {}
  get hasCapacity(): boolean {
    return this.inFlight < this.limit;
  }
  waitForCapacity(): Promise<void> {
    if (this.hasCapacity) return Promise.resolve();
    for (const wake of this.watchers.splice(0)) wake();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  blocked(): Promise<void> {
    if (this.waiters.length > 0) return Promise.resolve();
    return new Promise((resolve) => this.watchers.push(resolve));
  }
  accept(source: string, raw?: unknown, attributes?: Record<string, unknown>): MessageContext {
    if (!this.hasCapacity) this.overruns++;
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

/** A PULL source bound to a port the OS picks (step id `in`), shut down after the test. */
export function source(options: Partial<ZmqSourceOptions> = {}): ZmqSourceDomain {
  const d = new ZmqSourceDomain(
    {
      address: 'tcp://127.0.0.1:*',
      socket: 'pull',
      mode: 'bind',
      topics: [''],
      receiveHighWaterMark: 1000,
      maxMessageBytes: 16 * 1024 * 1024,
      maxFrames: 16,
      decode: 'record',
      ...options,
    },
    { id: 'in' },
  );
  opened.push(d);
  return d;
}
