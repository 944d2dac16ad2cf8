import { batchRoom, type Intake, type MessageContext } from '@tapline/core';

/**
 * What the source took in since the chain last ran: each message's payload and context, in the
 * order they came, and when the first came (one clock read for the batch). Each message is
 * accepted (and so counted against `maxInFlight`) as it is added, so that it can be held for
 * its ack before the chain sees it.
 */
export class TakenBatch {
  payloads: Buffer[] = [];
  messages: MessageContext[] = [];
  receivedAt = 0;
  /** How many the batch may hold: `batchMax`, or less when the intake had less room as it began. */
  private limit = 1;

  constructor(private readonly source: string) {}

  get size(): number {
    return this.payloads.length;
  }

  /** Accepts `payload` with the intake and adds it to the batch; returns its context. */
  add(intake: Intake, payload: Buffer): MessageContext {
    if (this.payloads.length === 0) {
      this.receivedAt = performance.now();
      this.limit = batchRoom(intake);
    }
    const message = intake.accept(this.source, payload, undefined, this.receivedAt);
    this.payloads.push(payload);
    this.messages.push(message);
    return message;
  }

  get full(): boolean {
    return this.payloads.length >= this.limit;
  }

  /** Empties the batch: what it held now belongs to the caller. */
  clear(): void {
    this.payloads = [];
    this.messages = [];
  }
}
