import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  DecodeError,
  batchRoom,
  MessageTooLargeError,
  codeOf,
  SourceDomain,
  type DomainIdentity,
  type MessageContext,
  type PluginContext,
} from '@tapline/core';
import { Pull, Subscriber } from 'zeromq';
import { attach, detach } from './address.js';
import { withCopiedFrames } from './copied-frames.js';
import { secureSocket, type CurveContext } from './curve.js';
import { decoderFor, type Decoded, type Decoder } from './decode.js';
import { FrameLines, type Line } from './frame-lines.js';
import {
  NO_PAYLOAD,
  framePolicy,
  oversize,
  shapeFrames,
  type FramePolicy,
  type MessageLimits,
} from './frames.js';
import type { ZmqSourceOptions } from './options.js';

/** While running, an idle receive wakes this often so that `stop()` is never kept waiting longer. */
const IDLE_WAKE_MS = 50;
/**
 * While messages flow the socket reads with no timeout: zeromq.js then takes a queued message
 * straight away, where with a timeout it first polls the socket's events on every receive. Only
 * when the queue runs empty does the loop switch to waiting (`IDLE_WAKE_MS`), and back after
 * the next message.
 */
const FLOWING = 0;
/** Messages taken in a row before yielding to the event loop: a busy socket must not starve timers and I/O. */
const YIELD_EVERY = 256;
/** Bounded, so a closing socket never keeps the process alive. */
const LINGER_MS = 100;

type Socket = Pull | Subscriber;

/** A batch being taken in: the records, their attributes, when the first came, how many it may hold. */
interface Gathered {
  readonly raws: Line[];
  readonly attributes: Array<Record<string, unknown> | undefined>;
  receivedAt: number;
  limit: number;
}
type Output = Decoded[ZmqSourceOptions['decode']];

/**
 * Takes messages in from a ZeroMQ PULL or SUB socket. `execute` decodes the payload frame of
 * one message; a message that does not decode becomes an error event (and a dead letter holding
 * the original bytes), never a crash.
 *
 * Frames: a SUB message of two or more frames has its first frame taken off as
 * `attributes.topic`. Several payload frames follow the `frames` policy (see frames.ts); their
 * count shows in `attributes.frames`.
 *
 * Limits: ZeroMQ refuses a frame over `maxMessageBytes` before allocating it, but gathers every
 * frame of a multipart message before `receive` returns one; a message over `maxFrames` or
 * `maxMessageBytes` in total is then refused here, before any copy, and handed on without its
 * payload to fail as `TAPLINE_ERR_MESSAGE_TOO_LARGE`.
 *
 * Batches: what the socket had queued since the chain last ran (up to `runtime.batchMax`) goes
 * through the chain as one batch, as soon as the queue runs empty: a batch never waits for
 * more messages, so at low rates it is one message.
 *
 * Batched frames (decode `ndjson`): each line of the payload is its own message, accounted,
 * decoded and dead-lettered on its own, with `attributes.frame` (the frame's number, counted
 * from 1 by this source) and `attributes.line` (its line number in the frame).
 */
export class ZmqSourceDomain extends SourceDomain<Line, Output> {
  readonly options: ZmqSourceOptions;
  /**
   * The address to attach to, as given: the host fills `${VAR}` in the whole config once, so
   * expanding here again would turn an escaped `$${` into a real expansion.
   */
  readonly address: string;
  private readonly decode: Decoder<Output>;
  private readonly frames: FramePolicy;
  private readonly limits: MessageLimits;
  private readonly curve: CurveContext;
  /** Undoes the socket's CURVE set-up (its ZAP registration). */
  private unsecure: (() => void) | undefined;
  private socket: Socket | undefined;
  /** Where the socket is attached (the chosen port for `tcp://host:*`); set by `initialize`. */
  endpoint: string | undefined;
  private loop: Promise<void> | undefined;
  private stopped: Promise<void> | undefined;
  private stopping = false;
  private detaching: Promise<void> | undefined;
  /** A receive is waiting on the socket's poller (the main thread reads the socket when it fires). */
  private receiving = false;
  /** Starts the detach that `stop()` asked for while a receive was waiting; run once it settles. */
  private detachAfterReceive: (() => void) | undefined;
  /** Detached: a receive that finds the local queue empty ends the loop. */
  private draining = false;
  private lastTopic: Buffer | undefined;
  private lastTopicText = '';
  /** Set for decode `ndjson` only. */
  private readonly lines: FrameLines | undefined;
  private frameCount = 0;
  /** What was taken in since the chain last ran. */
  private gathered: Gathered = { raws: [], attributes: [], receivedAt: 0, limit: 1 };
  /**
   * The most messages the next batch may take (see `take`): one once the socket's queue ran
   * empty, twice as many after each batch that filled.
   */
  private nextLimit = 1;

  constructor(options: ZmqSourceOptions, identity?: DomainIdentity & Partial<PluginContext>) {
    super(identity);
    this.curve = {
      id: this.id,
      configDir: identity?.configDir ?? process.cwd(),
      registry: identity?.registry,
      log: this.log,
    };
    this.options = options;
    this.address = options.address;
    this.decode = decoderFor(options.decode);
    this.frames = framePolicy(options);
    this.limits = {
      frames: options.maxFrames,
      bytes: options.maxMessageBytes === 0 ? Infinity : options.maxMessageBytes,
    };
    this.lines = options.decode === 'ndjson' ? new FrameLines() : undefined;
  }

  override async initialize(): Promise<void> {
    if (this.socket !== undefined) return;
    const { socket: kind, receiveHighWaterMark } = this.options;
    // A message's frame stays its `raw` until the record is done: it must not hold more than its bytes.
    const socket = withCopiedFrames(() =>
      kind === 'sub' ? new Subscriber({ linger: LINGER_MS }) : new Pull({ linger: LINGER_MS }),
    );
    socket.receiveHighWaterMark = receiveHighWaterMark;
    // Before bind: an accepted connection takes its kernel buffer from the listening socket.
    if (this.options.receiveBufferSize !== undefined)
      socket.receiveBufferSize = this.options.receiveBufferSize;
    // ZeroMQ refuses a larger frame before allocating it, and disconnects the peer that sent it.
    socket.maxMessageSize = this.options.maxMessageBytes === 0 ? -1 : this.options.maxMessageBytes;
    socket.receiveTimeout = FLOWING;
    if (socket instanceof Subscriber) socket.subscribe(...this.options.topics);
    try {
      if (this.options.curve !== undefined)
        this.unsecure = await secureSocket(socket, this.options.curve, this.curve);
      this.endpoint = await attach(socket, this.options.mode, this.address);
    } catch (err) {
      this.release(socket);
      throw err;
    }
    this.socket = socket;
    this.log.info({ address: this.endpoint, socket: kind, mode: this.options.mode }, 'zmq source ready');
  }

  execute(payload: Line, message?: MessageContext): Output {
    // Set only on a multipart message refused for its frames (see shapeFrames) or its size.
    const attributes = message?.attributes;
    if (attributes?.refused !== undefined) throw new DecodeError(attributes.refused as string);
    if (attributes?.tooLarge === true) {
      const { frames, bytes } = attributes as { frames: number; bytes: number };
      throw new MessageTooLargeError(frames, bytes, this.limits.frames, this.options.maxMessageBytes);
    }
    if (this.lines === undefined) return this.decode(payload);
    try {
      return this.decode(payload);
    } catch (err) {
      const { frame, line } = message?.attributes ?? {};
      throw new DecodeError(`Frame ${String(frame)}, line ${String(line)}: ${(err as Error).message}`, err);
    }
  }

  async start(): Promise<void> {
    if (this.socket === undefined) await this.initialize();
    if (this.loop === undefined && !this.stopping) this.loop = this.run(this.socket!);
  }

  /** Detaches (peers' new messages stay with them), handles what is queued locally, then closes. */
  stop(): Promise<void> {
    return (this.stopped ??= this.drainAndClose());
  }

  private async drainAndClose(): Promise<void> {
    const socket = this.socket;
    this.stopping = true;
    if (socket === undefined || socket.closed) return;
    // zeromq.js unbinds on a worker thread, and a waiting receive's poller reads the same socket
    // on the main thread when it fires: libzmq sockets are not thread-safe, and the two together
    // aborted the process (an assertion in pipe.cpp). So the detach starts once no receive waits;
    // a receive tried meanwhile is refused (EBUSY) without touching the socket.
    const mode = this.options.mode;
    const endpoint = this.endpoint!;
    this.detaching = this.receiving
      ? new Promise<void>(
          (resolve) => (this.detachAfterReceive = () => resolve(detach(socket, mode, endpoint))),
        )
      : detach(socket, mode, endpoint);
    await this.detaching;
    socket.receiveTimeout = FLOWING;
    this.draining = true;
    this.loop ??= this.run(socket);
    await this.loop;
    this.release(socket);
  }

  override async shutdown(): Promise<void> {
    this.stopping = true;
    if (this.socket !== undefined) this.release(this.socket);
    await this.loop;
  }

  private release(socket: Socket): void {
    socket.close();
    this.unsecure?.();
    this.unsecure = undefined;
  }

  private async run(socket: Socket): Promise<void> {
    const sub = socket instanceof Subscriber;
    let taken = 0;
    let waiting = false;
    try {
      for (;;) {
        if (!this.intake.hasCapacity) {
          this.flush();
          await this.intake.waitForCapacity();
        }
        let frames: Buffer[];
        try {
          this.receiving = true;
          try {
            frames = await socket.receive();
          } finally {
            this.receiving = false;
            this.startDetach();
          }
        } catch (err) {
          // The queue ran empty (or the socket closed): the chain runs on what was taken, now.
          // It kept up, so the next message goes on alone.
          this.flush();
          this.nextLimit = 1;
          if (socket.closed) return;
          const code = codeOf(err);
          if (code === 'EAGAIN') {
            if (this.draining) return; // detached, and the local queue is empty
            if (!waiting) {
              socket.receiveTimeout = IDLE_WAKE_MS;
              waiting = true;
            }
            continue;
          }
          // zeromq refuses a receive while an unbind is under way; the queue is still there after it.
          if (code === 'EBUSY' && this.detaching !== undefined) {
            await this.detaching;
            continue;
          }
          this.log.error({ err, address: this.endpoint }, 'zmq source stopped receiving');
          return;
        }
        if (waiting) {
          // shutdown() may have closed the socket as this receive resolved: handle what it brought.
          if (!socket.closed) socket.receiveTimeout = FLOWING;
          waiting = false;
        }
        const tooLarge = frames.length > 1 ? oversize(frames, this.limits) : undefined;
        if (tooLarge !== undefined) this.take(NO_PAYLOAD, tooLarge);
        else if (this.lines !== undefined) {
          taken = await this.takeLines(frames, sub, taken);
          continue;
        } else if (frames.length === 1) this.take(frames[0]!, undefined);
        else this.takeFrames(frames, sub);
        if (++taken === YIELD_EVERY) {
          taken = 0;
          this.flush();
          await nextTurn();
        }
      }
    } finally {
      this.flush();
    }
  }

  /** Starts the detach `stop()` left for the end of the receive that was waiting, if any. */
  private startDetach(): void {
    const start = this.detachAfterReceive;
    if (start === undefined) return;
    this.detachAfterReceive = undefined;
    start();
  }

  /**
   * Adds one message to the batch being taken in; the batch goes through the chain once the
   * socket's queue runs empty or it is full.
   *
   * Full is `intake.batchMax` (or as many as there is room for) at most, but batches of
   * messages grow only while messages come faster than the chain takes them: after the queue
   * ran empty the next batch is one message, and each batch that fills lets the next take twice
   * as many. A message that reaches an idle pipeline with others close behind it goes on at once,
   * instead of waiting while the socket is read for the rest of them; at saturation batches reach
   * `batchMax` within nine. The lines of an NDJSON frame arrived together, and go on together.
   */
  private take(raw: Line, attributes: Record<string, unknown> | undefined): void {
    const batch = this.gathered;
    if (batch.raws.length === 0) {
      batch.receivedAt = performance.now();
      const room = batchRoom(this.intake);
      batch.limit = this.lines === undefined ? Math.min(room, this.nextLimit) : room;
    }
    batch.raws.push(raw);
    batch.attributes.push(attributes);
    if (batch.raws.length >= batch.limit) {
      this.nextLimit = batch.limit * 2;
      this.flush();
    }
  }

  /** Runs the chain on what was taken in since it last ran. ingestBatch() never rejects. */
  private flush(): void {
    const { raws, attributes, receivedAt } = this.gathered;
    if (raws.length === 0) return;
    this.gathered = { raws: [], attributes: [], receivedAt: 0, limit: 1 };
    void this.ingestBatch(raws, attributes, receivedAt);
  }

  private takeFrames(frames: Buffer[], sub: boolean): void {
    if (sub && frames.length === 2) {
      this.take(frames[1]!, { topic: this.topicOf(frames[0]!) });
      return;
    }
    const { payload, attributes } = shapeFrames(frames, sub ? 1 : 0, this.frames);
    if (sub) this.take(payload, { topic: this.topicOf(frames[0]!), ...attributes });
    else this.take(payload, attributes);
  }

  /**
   * decode `ndjson`: takes each line of the payload in as its own message, waiting for
   * capacity between lines as between frames. A multipart message is first made one payload by
   * the `frames` policy; one it refuses goes on whole, to fail. `taken` counts messages towards
   * the next yield; returns it.
   */
  private async takeLines(frames: Buffer[], sub: boolean, taken: number): Promise<number> {
    const topic = sub && frames.length > 1 ? this.topicOf(frames[0]!) : undefined;
    let payload = frames[frames.length - 1]!;
    if (frames.length > (sub ? 2 : 1)) {
      const shaped = shapeFrames(frames, sub ? 1 : 0, this.frames);
      if (shaped.attributes.refused !== undefined) {
        this.take(shaped.payload, topic === undefined ? shaped.attributes : { topic, ...shaped.attributes });
        return taken + 1;
      }
      payload = shaped.payload;
    }
    const lines = this.lines!;
    const number = ++this.frameCount;
    lines.reset(payload);
    for (let line = lines.next(); line !== undefined; line = lines.next()) {
      if (!this.intake.hasCapacity) {
        this.flush();
        await this.intake.waitForCapacity();
      }
      this.take(
        line,
        topic === undefined
          ? { frame: number, line: lines.line }
          : { topic, frame: number, line: lines.line },
      );
      if (++taken >= YIELD_EVERY) {
        taken = 0;
        this.flush();
        await nextTurn();
      }
    }
    return taken;
  }

  /** Publishers mostly repeat one topic: keep its string instead of decoding it per message. */
  private topicOf(frame: Buffer): string {
    if (this.lastTopic === undefined || !frame.equals(this.lastTopic)) {
      this.lastTopic = Buffer.from(frame);
      this.lastTopicText = frame.toString('utf8');
    }
    return this.lastTopicText;
  }
}
