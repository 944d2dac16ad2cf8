import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BrokerError, messageOf, type Logger } from '@tapline/core';
import { connect, credsAuthenticator, type NatsConnection } from '@nats-io/transport-node';

/** How to reach and authenticate with NATS. */
export interface NatsAuth {
  readonly servers: readonly string[];
  readonly credentials?: string;
  readonly user?: string;
  readonly password?: string;
  readonly token?: string;
}

/**
 * A NATS connection whose state is watched: the client reconnects by itself (for ever, to any of
 * `servers`); each disconnect and reconnect is logged and counted, and `connected` says whether
 * messages can flow now.
 */
export class WatchedConnection {
  connected = true;
  reconnects = 0;
  private watching: Promise<void> | undefined;

  constructor(
    readonly nc: NatsConnection,
    private readonly log: Logger,
  ) {
    this.watching = this.watch();
  }

  /** Sends what the client buffered (acks included), then closes. Never throws. */
  async close(): Promise<void> {
    if (!this.nc.isClosed()) {
      await this.nc.drain().catch(() => this.nc.close());
    }
    await this.watching;
    this.watching = undefined;
  }

  private async watch(): Promise<void> {
    for await (const s of this.nc.status()) {
      switch (s.type) {
        case 'disconnect':
          this.connected = false;
          this.log.warn({ server: s.server }, 'nats disconnected; reconnecting');
          break;
        case 'reconnect':
          this.connected = true;
          this.reconnects++;
          this.log.info({ server: s.server }, 'nats reconnected');
          break;
        case 'error':
          this.log.error({ err: s.error }, 'nats connection error');
          break;
        case 'close':
          this.connected = false;
          break;
      }
    }
  }
}

/** How one step connects: its client name, where relative paths resolve, its log, and what for. */
export interface ConnectAs {
  /** The client name the server lists (`tapline:<step>`). */
  readonly name: string;
  readonly configDir: string;
  readonly log: Logger;
  /** What the connection is for, as a failure names it: `for stream "orders"`. */
  readonly purpose: string;
  /** The stream the step is after, when it is after one (the error carries it). */
  readonly stream?: string;
}

/**
 * Connects to the first of `servers` that answers, reading a `.creds` file first when one is
 * named. A refusal, or a credentials file that cannot be read, is
 * `TAPLINE_ERR_BROKER_UNREACHABLE` naming the servers and what the connection was for.
 */
export async function connectNats(auth: NatsAuth, as: ConnectAs): Promise<WatchedConnection> {
  const { name, configDir, log, purpose, stream } = as;
  const servers = auth.servers.join(', ');
  const authenticator =
    auth.credentials === undefined
      ? undefined
      : credsAuthenticator(await readCreds(resolve(configDir, auth.credentials), servers, stream));
  try {
    const nc = await connect({
      servers: [...auth.servers],
      name,
      user: auth.user,
      pass: auth.password,
      token: auth.token,
      authenticator,
      maxReconnectAttempts: -1,
    });
    return new WatchedConnection(nc, log);
  } catch (err) {
    throw new BrokerError(
      'TAPLINE_ERR_BROKER_UNREACHABLE',
      servers,
      stream,
      `Cannot connect to NATS at ${servers} ${purpose}: ${messageOf(err)}. Start nats-server with JetStream (nats-server -js) there, or fix "servers" and the credentials.`,
      err,
    );
  }
}

async function readCreds(file: string, servers: string, stream: string | undefined): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new BrokerError(
      'TAPLINE_ERR_BROKER_UNREACHABLE',
      servers,
      stream,
      `Cannot read the NATS credentials file ${file}: ${messageOf(err)}.`,
      err,
    );
  }
}
