import { BrokerError, ExportError, messageOf, type Logger } from '@tapline/core';
import { withRetry, type RetryPolicy } from '@tapline/core/io';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { DEFAULT_SERVERS, connectNats, type WatchedConnection } from '@tapline/plugin-nats/connection';
import { NATS_DEFAULTS, type NatsTargetOptions } from './options.js';
import type { ExportTarget } from './target.js';

/**
 * Publishes each record to a JetStream stream. A record is written only once the stream acked
 * it (it is stored, and replicated as the stream says): that is what lets the hop after this
 * one be at least once. A publish that fails or times out is retried with the exporter's
 * policy; the client reconnects by itself meanwhile. A retried publish whose first ack was only
 * lost is stored twice: downstream, delivery is at least once, not exactly once.
 */
export class NatsTarget implements ExportTarget {
  readonly name: string;
  written = 0;
  failed = 0;
  private connection: WatchedConnection | undefined;
  private js: JetStreamClient | undefined;
  private readonly servers: string[];
  private readonly publishOptions: { timeout: number };
  private outstanding = 0;
  private idle: (() => void) | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly options: NatsTargetOptions,
    private readonly retry: RetryPolicy,
    private readonly configDir: string,
    private readonly log: Logger,
  ) {
    this.name = `nats:${options.subject}`;
    this.servers = [...(options.servers ?? DEFAULT_SERVERS)];
    this.publishOptions = { timeout: options.timeoutMs ?? NATS_DEFAULTS.timeoutMs };
  }

  async open(): Promise<void> {
    const { subject } = this.options;
    const connection = await connectNats(
      { ...this.options, servers: this.servers },
      {
        name: `tapline:${this.name}`,
        configDir: this.configDir,
        log: this.log.child({ target: this.name }),
        purpose: `to publish on "${subject}"`,
      },
    );
    try {
      await (await jetstreamManager(connection.nc)).streams.find(subject);
    } catch (err) {
      await connection.close();
      const servers = this.servers.join(', ');
      throw new BrokerError(
        'TAPLINE_ERR_STREAM_NOT_FOUND',
        servers,
        undefined,
        `No JetStream stream at ${servers} takes subject "${subject}" (${messageOf(err)}). Create one (nats stream add --subjects '${subject}'), or publish on a subject a stream takes.`,
        err,
      );
    }
    this.connection = connection;
    this.js = jetstream(connection.nc);
  }

  write(json: string): Promise<void> {
    const js = this.js;
    if (js === undefined || this.closing !== undefined) {
      throw new ExportError(this.name, js ? 'the exporter is shutting down' : 'the connection is not open');
    }
    this.outstanding++;
    return withRetry(
      this.retry,
      () => js.publish(this.options.subject, json, this.publishOptions),
      (err, retry, delayMs) =>
        this.log.warn({ err, target: this.name, retry, delayMs }, 'nats publish failed; retrying'),
      () => this.connection!.nc.isClosed(),
    ).then(this.published, this.refused);
  }

  private readonly published = (): void => {
    this.written++;
    this.settle();
  };

  private readonly refused = (err: unknown): never => {
    this.failed++;
    this.settle();
    throw new ExportError(
      this.name,
      `publish not acked after ${this.retry.retries} retries: ${messageOf(err)}`,
      err,
    );
  };

  private settle(): void {
    if (--this.outstanding === 0 && this.idle !== undefined) this.idle();
  }

  /** Waits for every publish under way (each ends: acked, or failed after its retries), then closes. */
  close(): Promise<void> {
    return (this.closing ??= this.finish());
  }

  private async finish(): Promise<void> {
    if (this.outstanding > 0) await new Promise<void>((r) => (this.idle = r));
    await this.connection?.close();
  }
}
