import {
  DeliveryError,
  SourceDomain,
  ThrottledReport,
  type DomainIdentity,
  type MessageContext,
  type Outcome,
} from '@tapline/core';
import type { Consumer, ConsumerMessages } from '@nats-io/jetstream';
import { millis } from '@nats-io/transport-node';
import { connectNats, type WatchedConnection } from './connection/connect.js';
import { decoderFor, type Decoded, type Decoder } from './decode.js';
import { ensureConsumer } from './ensure-consumer.js';
import { HeldMessages } from './held-messages.js';
import type { NatsSourceOptions } from './options.js';
import { TakenBatch } from './taken-batch.js';

type Output = Decoded[NatsSourceOptions['decode']];

/** What the source needs from its plugin context. */
export interface NatsSourceContext extends DomainIdentity {
  /** A relative credentials path resolves against it; the working directory when absent. */
  readonly configDir?: string;
}

/**
 * Takes messages in from a JetStream durable pull consumer, at least once: each message is acked
 * only when the host says its outcome is durable (`settled`): exported, dropped, or
 * dead-lettered. One whose dead letter could not be written is nak'd, so it comes back. Until
 * then the message is held here, reported in progress so that its ack wait does not run out
 * however long it takes; a process that dies leaves it to the server to deliver again, to this
 * process or another on the same consumer. A redelivery of a message still held here is not
 * taken in a second time.
 *
 * At most `maxInFlight` messages are in flight and at most one `batch` waits in the client: the
 * client asks for more only once the loop has taken in what it had.
 *
 * Batches: what the client had received since the chain last ran (up to `runtime.batchMax`)
 * goes through the chain as one batch, as soon as the client holds nothing more.
 */
export class NatsSourceDomain extends SourceDomain<Buffer, Output> {
  readonly options: NatsSourceOptions;
  private redeliveries = 0;
  /** One stall past the ack wait redelivers every held message at once: the first is logged, then a count. */
  private readonly reports = new ThrottledReport();
  private readonly ignoredRedeliveries = this.reports.channel<number>((seq, count, first) =>
    this.log.warn(
      { seq, count },
      first
        ? 'the server redelivered a message still in progress here (its in-progress report came later than the ack wait: the event loop was blocked or the connection down); the redelivery is ignored'
        : 'more redeliveries of messages still in progress here were ignored',
    ),
  );
  private readonly decode: Decoder<Output>;
  private readonly configDir: string;
  private connection: WatchedConnection | undefined;
  private consumer: Consumer | undefined;
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;
  private stopped: Promise<void> | undefined;
  private stopping = false;
  /** Taken in, not settled yet: what is acked (or left for redelivery) once it settles. */
  private readonly held = new HeldMessages((err) =>
    this.log.warn({ err }, 'could not report messages in progress; they will be redelivered'),
  );
  /** Taken in and held, not handed to the chain yet. */
  private readonly taken: TakenBatch;

  constructor(options: NatsSourceOptions, ctx: NatsSourceContext = {}) {
    super(ctx);
    this.options = options;
    this.decode = decoderFor(options.decode);
    this.configDir = ctx.configDir ?? process.cwd();
    this.taken = new TakenBatch(this.id);
  }

  /** False while the connection is down (the client is reconnecting). */
  override get ready(): boolean {
    return this.connection?.connected === true;
  }

  /** Messages taken in that the server had delivered before. */
  override get redelivered(): number {
    return this.redeliveries;
  }

  get reconnects(): number {
    return this.connection?.reconnects ?? 0;
  }

  get connected(): boolean {
    return this.ready;
  }

  /** Messages taken in whose outcome is not known yet. */
  get holding(): number {
    return this.held.size;
  }

  override async initialize(): Promise<void> {
    if (this.connection !== undefined) return;
    const { stream, durable } = this.options;
    const connection = await connectNats(this.options, {
      name: `tapline:${this.id}`,
      configDir: this.configDir,
      log: this.log,
      purpose: `for stream "${stream}"`,
      stream,
    });
    try {
      this.consumer = await ensureConsumer(connection.nc, this.options, this.log);
    } catch (err) {
      await connection.close();
      throw err;
    }
    this.connection = connection;
    this.log.info({ servers: this.options.servers, stream, durable }, 'nats source ready');
  }

  execute(payload: Buffer, message: MessageContext): Output {
    const deliveries = this.held.get(message)?.info.deliveryCount ?? 1;
    if (deliveries > this.options.maxDeliveries) {
      throw new DeliveryError(
        deliveries,
        `delivered ${deliveries} times, more than maxDeliveries (${this.options.maxDeliveries}): its earlier deliveries never settled (the process died or the ack came too late)`,
      );
    }
    return this.decode(payload);
  }

  /** Begins pulling: the first request for `batch` messages goes out now. */
  async start(): Promise<void> {
    if (this.connection === undefined) await this.initialize();
    if (this.loop !== undefined || this.stopping) return;
    // The consumer's own ack wait: one made elsewhere need not have ackWaitMs.
    const { ack_wait } = (await this.consumer!.info(true)).config;
    const messages = await this.consumer!.consume({ max_messages: this.options.batch });
    if (this.stopping) {
      void messages.close(); // stopped while the pull was being set up; nothing iterates it
      return;
    }
    this.messages = messages;
    this.held.keepInProgress(ack_wait === undefined ? this.options.ackWaitMs : millis(ack_wait));
    void this.watch(messages);
    this.loop = this.run(messages);
  }

  /** Stops pulling and takes in what the client already holds; acks follow as those settle. */
  stop(): Promise<void> {
    return (this.stopped ??= this.finishIntake());
  }

  private async finishIntake(): Promise<void> {
    this.stopping = true;
    // Resolves once the loop has taken in the messages queued ahead of the close.
    void this.messages?.close();
    await this.loop;
  }

  override settled(message: MessageContext, outcome: Outcome): void {
    const msg = this.held.release(message);
    if (msg === undefined) return;
    try {
      if (outcome === 'lost') msg.nak();
      else msg.ack();
    } catch (err) {
      // The connection is closed: the server redelivers the message once its ack wait ends.
      this.log.warn({ err, seq: msg.seq }, 'could not ack a settled message; it will be redelivered');
    }
  }

  /**
   * Sends the acks of what settled and closes the connection. What never settled stays unacked:
   * the server delivers it again once its ack wait ends. (A nak here would hand it over sooner,
   * but the server may still route it to this process's last pull request, whose replies no one
   * reads any more.)
   */
  override async shutdown(): Promise<void> {
    this.stopping = true;
    void this.messages?.close();
    await this.loop;
    const connection = this.connection;
    this.connection = undefined;
    this.held.clear();
    this.reports.close();
    await connection?.close();
  }

  /** Logs what the client reports about the consumer: it keeps pulling, but a user wants to know. */
  private async watch(messages: ConsumerMessages): Promise<void> {
    const { stream, durable } = this.options;
    for await (const s of messages.status()) {
      if (
        s.type === 'heartbeats_missed' ||
        s.type === 'consumer_deleted' ||
        s.type === 'consumer_not_found' ||
        s.type === 'stream_not_found'
      ) {
        this.log.warn({ stream, durable, status: s }, `nats consumer: ${s.type}`);
      }
    }
  }

  /**
   * Takes in what the client holds, and runs the chain on it as one batch as soon as the client
   * holds nothing more (or the batch is full, or intake must wait for room): a batch never waits
   * for more messages, so at low rates it is one message.
   */
  private async run(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const msg of messages) {
        if (msg.redelivered && this.held.takeRedelivery(msg)) {
          this.ignoredRedeliveries.add(msg.seq);
        } else {
          if (msg.redelivered) this.redeliveries++;
          if (!this.intake.hasCapacity) {
            this.flush(); // what is taken must go on before room can free up
            await this.intake.waitForCapacity();
          }
          // A copy: msg.data is a view into the socket chunk it arrived in, and the payload lives
          // until the message settles (a dead letter is written from it), pinning the whole chunk.
          this.held.hold(this.taken.add(this.intake, Buffer.from(msg.data)), msg);
          if (this.taken.full) this.flush();
        }
        // Nothing received is left to iterate: the chain runs on what was taken, now. (Not
        // getPending(): it keeps counting the client's own pull requests once they are iterated.)
        if (messages.getReceived() === messages.getProcessed()) this.flush();
      }
    } catch (err) {
      if (!this.stopping) this.log.error({ err }, 'nats source stopped pulling');
    } finally {
      this.flush();
    }
  }

  /** Runs the chain on what was taken in since it last ran, as `ingestBatch` does once each message is held. */
  private flush(): void {
    const { payloads, messages, receivedAt } = this.taken;
    const n = payloads.length;
    if (n === 0) return;
    this.taken.clear();
    const startedAt = performance.now();
    this.meter?.waited(n, startedAt - receivedAt);
    void this.handleBatch(payloads, messages, startedAt);
  }
}
