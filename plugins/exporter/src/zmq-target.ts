import { AddressError, CurveError, codeOf, ExportError, messageOf, type Logger } from '@tapline/core';
import type { CurveRefusal } from '@tapline/core/curve';
import { withRetry, type RetryPolicy } from '@tapline/core/io';
import { Publisher, Push } from 'zeromq';
import { ZMQ_DEFAULTS, type ZmqTargetOptions } from './options.js';
import { secureTarget } from './zmq-curve.js';
import type { ExportTarget } from './target.js';

/** A queue that never empties under steady load is compacted this often, so it cannot creep. */
const COMPACT_AT = 1024;
/** ZeroMQ's engine batches up to 8 KiB of frames; the smallest frame this target sends is 4 bytes. */
const ENGINE_BATCH_FRAMES = 8192 / 4 + 1;

interface Queued {
  json: string;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * One JSON text per ZeroMQ message to a next hop over PUSH or PUB.
 * A ZeroMQ socket allows one pending send, so lines queue here and one loop sends them in
 * order; each writer is answered once its line is in the socket's outgoing queue (`sent`):
 * ZeroMQ has no acknowledgements, and what it queued for a peer that dies is lost with it.
 * `immediate` keeps ZeroMQ from queueing for peers that are not connected, so with the hop
 * down a send times out; once one has failed its retries, the records queued behind it fail at
 * once with the same error instead of each waiting out its own retries.
 */
export class ZmqTarget implements ExportTarget {
  readonly name: string;
  /** Records ZeroMQ took into its outgoing queue. */
  sent = 0;
  /** Records queued here, waiting for the socket. */
  get queued(): number {
    return this.queue.length - this.head;
  }
  get written(): number {
    return this.sent;
  }
  /** Records that could not be sent (retries included) or were still queued at close. */
  failed = 0;
  /** Peers a CURVE server target turned away, by reason. */
  readonly peersRefused: Record<CurveRefusal, number> = { key: 0, handshake: 0 };
  private socket: Push | Publisher | undefined;
  private readonly queue: Queued[] = [];
  private head = 0;
  private pumping: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  /** Undoes the socket's CURVE set-up (its ZAP registration, when it is a server). */
  private unsecure: (() => void) | undefined;

  constructor(
    private readonly options: ZmqTargetOptions,
    private readonly retry: RetryPolicy,
    private readonly log: Logger,
    private readonly configDir = process.cwd(),
  ) {
    this.name = `zmq:${options.address}`;
  }

  /**
   * What the socket may hold in this process after a send returned: its queue (the high-water
   * mark) and the 8 KiB its engine batches on the way to the kernel, of frames of at least 4 bytes.
   * The kernel's buffers outlive the process and reach a hop that is up.
   */
  get unconfirmed(): number {
    return (this.options.sendHighWaterMark ?? ZMQ_DEFAULTS.sendHighWaterMark) + ENGINE_BATCH_FRAMES;
  }

  /** Where the socket is bound or connected (the chosen port for `tcp://host:*`). */
  endpoint: string | undefined;

  async open(): Promise<void> {
    const o = { ...ZMQ_DEFAULTS, ...this.options };
    const socket = o.socket === 'pub' ? new Publisher() : new Push();
    socket.linger = o.lingerMs;
    socket.sendHighWaterMark = o.sendHighWaterMark;
    socket.sendTimeout = o.sendTimeoutMs;
    if (o.sendBufferSize !== undefined) socket.sendBufferSize = o.sendBufferSize;
    // Queue only on live connections: otherwise a connecting PUSH takes messages for a next hop
    // that is down, acknowledges them, and loses them at close. This way a send to a hop that
    // is down times out, is retried, and the message ends up dead-lettered if it stays down.
    socket.immediate = true;
    try {
      if (o.curve) {
        const refused = (reason: CurveRefusal): void => void this.peersRefused[reason]++;
        this.unsecure = await secureTarget(socket, o.curve, this.name, this.configDir, this.log, refused);
      }
      if (o.mode === 'bind') await socket.bind(o.address);
      else socket.connect(o.address);
    } catch (err) {
      socket.close();
      this.unsecure?.();
      if (err instanceof CurveError) throw err;
      const inUse = codeOf(err) === 'EADDRINUSE';
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

  /** Fails what still waits here, and closes the socket: a pending send then ends too. */
  private async finish(): Promise<void> {
    this.failQueued(new ExportError(this.name, 'the exporter shut down before the record was sent'));
    this.socket?.close(); // linger bounds how long queued messages may keep the process alive
    this.unsecure?.();
    await this.pumping;
  }

  private failQueued(err: ExportError): void {
    for (let i = this.head; i < this.queue.length; i++) {
      this.failed++;
      this.queue[i]!.reject(err);
    }
    this.queue.length = 0;
    this.head = 0;
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
          () => socket.closed,
        );
        this.sent++;
        item.resolve();
      } catch (err) {
        const failure = new ExportError(
          this.name,
          socket.closed
            ? 'the exporter shut down before the record was sent'
            : `send failed after ${this.retry.retries} retries: ${messageOf(err)}`,
          err,
        );
        this.failed++;
        item.reject(failure);
        // The hop that refused this record would refuse the ones behind it: fail them now.
        this.failQueued(failure);
      }
    }
    this.queue.length = 0;
    this.head = 0;
    this.pumping = undefined;
  }
}
