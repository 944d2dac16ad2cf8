import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BrokerError, ExportError, messageOf, withRetry, type Logger, type RetryPolicy } from '@tapline/core';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';
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
  private nc: NatsConnection | undefined;
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
    this.servers = [...(options.servers ?? NATS_DEFAULTS.servers)];
    this.publishOptions = { timeout: options.timeoutMs ?? NATS_DEFAULTS.timeoutMs };
  }

  async open(): Promise<void> {
    const { subject, credentials, user, password, token } = this.options;
    const servers = this.servers.join(', ');
    let nc: NatsConnection;
    try {
      const creds =
        credentials === undefined ? undefined : await readFile(resolve(this.configDir, credentials));
      nc = await connect({
        servers: this.servers,
        user,
        pass: password,
        token,
        authenticator: creds === undefined ? undefined : credsAuthenticator(creds),
        maxReconnectAttempts: -1,
      });
    } catch (err) {
      throw new BrokerError(
        'TAPLINE_ERR_BROKER_UNREACHABLE',
        servers,
        undefined,
        `The exporter cannot connect to NATS at ${servers} to publish on "${subject}": ${messageOf(err)}. Start nats-server -js there, or fix "servers" and the credentials.`,
        err,
      );
    }
    try {
      await (await jetstreamManager(nc)).streams.find(subject);
    } catch (err) {
      await nc.close();
      throw new BrokerError(
        'TAPLINE_ERR_STREAM_NOT_FOUND',
        servers,
        undefined,
        `No JetStream stream at ${servers} takes subject "${subject}" (${messageOf(err)}). Create one (nats stream add --subjects '${subject}'), or publish on a subject a stream takes.`,
        err,
      );
    }
    this.nc = nc;
    this.js = jetstream(nc);
    void this.watch(nc);
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
      () => this.nc!.isClosed(),
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
    await this.nc?.drain().catch(() => this.nc?.close());
  }

  private async watch(nc: NatsConnection): Promise<void> {
    for await (const s of nc.status()) {
      if (s.type === 'disconnect')
        this.log.warn({ target: this.name, server: s.server }, 'nats disconnected; reconnecting');
      else if (s.type === 'reconnect')
        this.log.info({ target: this.name, server: s.server }, 'nats reconnected');
    }
  }
}
