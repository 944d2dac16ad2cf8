import { setTimeout as sleep } from 'node:timers/promises';
import * as zmq from 'zeromq';
import { codeOf, TaplineError } from '@tapline/core';

export interface PublishOptions {
  /** Where the pipeline's source listens, e.g. `tcp://127.0.0.1:5555`. */
  readonly address: string;
  readonly socket?: 'push' | 'pub';
  /** For `pub`: the first frame of every message, which subscribers filter on. */
  readonly topic?: string;
  /** Messages per second; as fast as the receiver takes them when absent. */
  readonly rate?: number;
  /** How long one send may wait for a receiver before publishing fails (default 10 s). */
  readonly sendTimeoutMs?: number;
  /** CURVE: the source's public key and this client's key pair (Z85). */
  readonly curve?: { readonly serverKey: string; readonly publicKey: string; readonly secretKey: string };
  readonly signal?: AbortSignal;
  readonly onProgress?: (sent: number, elapsedMs: number) => void;
}

export interface PublishResult {
  readonly sent: number;
  readonly elapsedMs: number;
}

/** Nothing took a message within the send timeout: no receiver, or a full one. */
export class PublishTimeoutError extends TaplineError {
  override name = 'PublishTimeoutError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('TAPLINE_ERR_PUBLISH_TIMEOUT', message, options);
  }
}

/**
 * Sends every payload to `address`, one awaited send at a time (a zeromq socket allows one
 * pending send), paced to `rate`. Resolves once every payload was handed to zeromq; the socket
 * lingers on close so that queued frames still reach the receiver before the process exits.
 */
export async function publish(
  payloads: Iterable<string | Buffer> | AsyncIterable<string | Buffer>,
  options: PublishOptions,
): Promise<PublishResult> {
  const sendTimeoutMs = options.sendTimeoutMs ?? 10_000;
  const socket =
    options.socket === 'pub'
      ? new zmq.Publisher({ linger: 10_000 })
      : // immediate: queue only to a completed connection, so that with no receiver a send
        // times out instead of filling a queue that nobody will read.
        new zmq.Push({ linger: 10_000, sendTimeout: sendTimeoutMs, immediate: true });
  if (options.curve !== undefined) {
    socket.curveServerKey = options.curve.serverKey;
    socket.curvePublicKey = options.curve.publicKey;
    socket.curveSecretKey = options.curve.secretKey;
  }
  try {
    if (socket instanceof zmq.Publisher) {
      // PUB drops whatever it sends before a subscriber's subscription arrives: wait for the
      // connection, then give the subscription a moment to travel.
      const connected = new Promise<void>((resolve) => socket.events.on('connect', () => resolve()));
      socket.connect(options.address);
      const waited = await Promise.race([connected.then(() => true), sleep(sendTimeoutMs, false)]);
      if (!waited) throw timeout(options);
      await sleep(200);
    } else {
      socket.connect(options.address);
    }
    const topic = options.topic;
    const interval = options.rate ? 1000 / options.rate : 0;
    const started = performance.now();
    let sent = 0;
    for await (const payload of payloads) {
      if (options.signal?.aborted) break;
      if (interval > 0) {
        // Pace against the schedule, not the previous send, so the rate holds on average.
        const ahead = started + sent * interval - performance.now();
        if (ahead >= 1) await sleep(ahead);
      }
      try {
        await socket.send(topic === undefined ? payload : [topic, payload]);
      } catch (err) {
        if (codeOf(err) === 'EAGAIN') throw timeout(options, err);
        throw err;
      }
      sent++;
      options.onProgress?.(sent, performance.now() - started);
    }
    return { sent, elapsedMs: performance.now() - started };
  } finally {
    socket.close();
  }
}

function timeout(options: PublishOptions, cause?: unknown): PublishTimeoutError {
  return new PublishTimeoutError(
    `Nothing at ${options.address} took a message within ${options.sendTimeoutMs ?? 10_000} ms. ` +
      'Is a pipeline (tapline run) listening there?',
    { cause },
  );
}
