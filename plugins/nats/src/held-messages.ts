import type { MessageContext } from '@tapline/core';
import type { JsMsg } from '@nats-io/jetstream';

/**
 * The messages a source took in and has not settled yet, each with the delivery to ack once it
 * settles, found by message and by stream sequence.
 *
 * While a message is held, the server is told every so often that it is in progress, which
 * restarts its ack wait: a message may stay in the pipeline longer than the ack wait (an
 * exporter retrying a next hop that does not answer, say) without the server delivering it
 * again. One timer walks every held message, so holding one costs no timer of its own.
 */
export class HeldMessages {
  private readonly deliveries = new Map<MessageContext, JsMsg>();
  private readonly bySequence = new Map<number, MessageContext>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly onReportFailed: (err: unknown) => void) {}

  get size(): number {
    return this.deliveries.size;
  }

  hold(message: MessageContext, msg: JsMsg): void {
    this.deliveries.set(message, msg);
    this.bySequence.set(msg.seq, message);
  }

  /**
   * Whether `msg` is a redelivery of a message held here (the in-progress reports came too late:
   * the event loop was blocked, or the connection down, for longer than the ack wait). The
   * newer delivery takes the older one's place, so the ack goes to the delivery the server
   * tracks now; the message itself is not taken in again.
   */
  takeRedelivery(msg: JsMsg): boolean {
    const message = this.bySequence.get(msg.seq);
    if (message === undefined) return false;
    this.deliveries.set(message, msg);
    return true;
  }

  /** The delivery `message` came in, while it is held. */
  get(message: MessageContext): JsMsg | undefined {
    return this.deliveries.get(message);
  }

  /** Stops holding `message`; returns its delivery, to ack or nak. */
  release(message: MessageContext): JsMsg | undefined {
    const msg = this.deliveries.get(message);
    if (msg === undefined) return undefined;
    this.deliveries.delete(message);
    this.bySequence.delete(msg.seq);
    return msg;
  }

  /**
   * Reports every held message in progress every `ackWaitMs / 3`: a report that is late once
   * (a busy event loop, a slow reconnect) still arrives before the ack wait ends.
   */
  keepInProgress(ackWaitMs: number): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(this.report, Math.max(1, Math.floor(ackWaitMs / 3)));
    this.timer.unref(); // the source's own lifecycle ends it, not an idle event loop
  }

  private readonly report = (): void => {
    try {
      for (const msg of this.deliveries.values()) msg.working();
    } catch (err) {
      // The connection is closed: the server will deliver these again once their ack wait ends.
      this.onReportFailed(err);
    }
  };

  /** Stops the reports and forgets every held message (they stay unacked). */
  clear(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.deliveries.clear();
    this.bySequence.clear();
  }
}
