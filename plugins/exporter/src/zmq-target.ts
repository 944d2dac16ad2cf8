import { AddressError, ExportError, messageOf, type Logger } from '@tapline/core';
import { Publisher, Push } from 'zeromq';
import { ZMQ_DEFAULTS, type RetryPolicy, type ZmqTargetOptions } from './options.js';
import { withRetry } from './retry.js';
import type { ExportTarget } from './target.js';

/** A queue that never empties under steady load is compacted this often, so it cannot creep. */
const COMPACT_AT = 1024;

interface Queued {
  json: string;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * One JSON text per ZeroMQ message to a next hop over PUSH or PUB.
 * A ZeroMQ socket allows one pending send, so lines queue here and one loop sends them in
 * order; each writer is answered once its line is in the socket's outgoing queue.
 */
export class ZmqTarget implements ExportTarget {
  readonly name: string;
  private socket: Push | Publisher | undefined;
  private readonly queue: Queued[] = [];
  private head = 0;
  private pumping: Promise<void> | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly options: ZmqTargetOptions,
    private readonly retry: RetryPolicy,
    private readonly log: Logger,
  ) {
    this.name = `zmq:${options.address}`;
  }

  /** Where the socket is bound or connected (the chosen port for `tcp://host:*`). */
  endpoint: string | undefined;

  async open(): Promise<void> {
    const o = { ...ZMQ_DEFAULTS, ...this.options };
    const socket = o.socket === 'pub' ? new Publisher() : new Push();
    socket.linger = o.lingerMs;
    socket.sendHighWaterMark = o.sendHighWaterMark;
    socket.sendTimeout = o.sendTimeoutMs;
    // Queue only on live connections: otherwise a connecting PUSH takes messages for a next hop
    // that is down, acknowledges them, and loses them at close. This way a send to a hop that
    // is down times out, is retried, and the message ends up dead-lettered if it stays down.
    socket.immediate = true;
    try {
      if (o.mode === 'bind') await socket.bind(o.address);
      else socket.connect(o.address);
    } catch (err) {
      socket.close();
      const inUse = (err as { code?: unknown }).code === 'EADDRINUSE';
      throw new AddressError(
        inUse ? 'TAPLINE_ERR_ADDRESS_IN_USE' : 'TAPLINE_ERR_ADDRESS_INVALID',
        o.address,
        `Cannot ${o.mode} the exporter's ${o.socket} socket to ${o.address}: ${messageOf(err)}`,
        err,
      );
    }
    this.endpoint = (o.mode === 'bind' && socket.lastEndpoint) || o.address;
    this.socket = socket;
  }

  write(json: string): Promise<void> {
    if (this.socket === undefined || this.closing !== undefined) {
      throw new ExportError(
        this.name,
        this.socket ? 'the exporter is shutting down' : 'the socket is not open',
      );
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ json, resolve, reject });
      this.pumping ??= this.pump();
    });
  }

  close(): Promise<void> {
    return (this.closing ??= this.finish());
  }

  private async finish(): Promise<void> {
    await this.pumping;
    this.socket?.close(); // linger bounds how long queued messages may keep the process alive
  }

  private async pump(): Promise<void> {
    const socket = this.socket!;
    while (this.head < this.queue.length) {
      const item = this.queue[this.head]!;
      this.queue[this.head++] = undefined as never;
      if (this.head >= COMPACT_AT) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      try {
        await withRetry(
          this.retry,
          () => socket.send(item.json),
          (err, retry, delayMs) =>
            this.log.warn({ err, target: this.name, retry, delayMs }, 'zmq send failed; retrying'),
        );
        item.resolve();
      } catch (err) {
        item.reject(
          new ExportError(
            this.name,
            `send failed after ${this.retry.retries} retries: ${messageOf(err)}`,
            err,
          ),
        );
      }
    }
    this.queue.length = 0;
    this.head = 0;
    this.pumping = undefined;
  }
}
