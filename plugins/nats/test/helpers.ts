import { createMessageContext, type Intake, type MessageContext } from '@tapline/core';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connectIntake, createTestContext, recordDomain } from '@tapline/testkit';
import { NatsSourceDomain } from '../src/nats-source-domain.js';
import type { NatsSourceOptions } from '../src/options.js';
import plugin from '../src/index.js';

export { NatsServer } from '../../../tests/support/nats-server.js';

/**
 * The host's side of a source, by hand: a capacity limit, the messages taken in, and what each
 * step reported. The test settles messages itself, as the host would once their outcome is durable.
 */
export class HandIntake implements Intake {
  readonly taken: MessageContext[] = [];
  private waiters: Array<() => void> = [];
  open = 0;

  constructor(public limit = Infinity) {}

  get hasCapacity(): boolean {
    return this.open < this.limit;
  }

  waitForCapacity(): Promise<void> {
    return this.hasCapacity ? Promise.resolve() : new Promise((r) => this.waiters.push(r));
  }

  accept(source: string, raw?: unknown, attributes?: Record<string, unknown>): MessageContext {
    const m = createMessageContext(source, raw, attributes);
    this.taken.push(m);
    this.open++;
    return m;
  }

  /** Settles `message` with the source, and frees its slot. */
  settle(
    source: NatsSourceDomain,
    message: MessageContext,
    outcome: 'completed' | 'dropped' | 'failed' | 'lost',
  ) {
    source.settled(message, outcome);
    this.open--;
    for (const wake of this.waiters.splice(0)) wake();
  }
}

/** A source made through the manifest (options validated with defaults), fed into a HandIntake and recorded. */
export async function makeSource(options: Partial<NatsSourceOptions> & { stream: string }, limit = Infinity) {
  const ctx = createTestContext({ captureLogs: true, id: 'ingest' });
  const full: NatsSourceOptions = {
    servers: ['nats://127.0.0.1:4222'],
    durable: 'tapline',
    subjects: [],
    create: false,
    batch: 16,
    ackWaitMs: 30_000,
    maxDeliveries: 5,
    decode: 'record',
    ...options,
  };
  const source = await plugin.create(full, ctx);
  const intake = new HandIntake(limit);
  connectIntake(source, intake);
  return { source, intake, recording: recordDomain(source), ctx };
}

/** A plain client connection for the test's own publishing and inspection. */
export async function client(url: string) {
  const nc: NatsConnection = await connect({ servers: url });
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  return { nc, js, jsm };
}
