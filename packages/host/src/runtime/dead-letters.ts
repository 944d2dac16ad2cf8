import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import path from 'node:path';
import type { ErrorEvent, Logger, MessageContext } from '@tapline/core';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The original payload as NDJSON fields: JSON text as it came (on one line), anything else as base64. */
export function payloadField(raw: unknown): string {
  if (raw === undefined) return '';
  let text: string | undefined;
  if (typeof raw === 'string') text = raw;
  else if (raw instanceof Uint8Array) {
    try {
      text = utf8.decode(raw);
    } catch {
      return `,"payloadBase64":"${Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64')}"`;
    }
  } else {
    try {
      const json = JSON.stringify(raw);
      if (json !== undefined) return `,"payload":${json}`;
    } catch {
      // Not serializable (a cycle, a BigInt): keep what its string form says.
    }
    text = String(raw);
    return `,"payloadBase64":"${Buffer.from(text).toString('base64')}"`;
  }
  try {
    JSON.parse(text);
    // Valid JSON can hold a raw line break only as whitespace between tokens.
    return `,"payload":${text.replace(/[\r\n]+/g, ' ')}`;
  } catch {
    return `,"payloadBase64":"${Buffer.from(text).toString('base64')}"`;
  }
}

/** What a congested dead-letter file holds back: the host's intake. */
export interface Pressure {
  hold(): void;
  release(): void;
}

/** Bytes buffered for the dead-letter file before intake is held until they are written. */
const BUFFER_BYTES = 1 << 20;

/**
 * Appends failed messages to an NDJSON file through one buffered write stream: no synchronous
 * I/O per message. Each line: time, step, source, messageId, errorType, message, and the
 * original payload (`payload` for JSON, else `payloadBase64`). When more than `bufferBytes`
 * wait for the disk, intake is held (`pressure`) until they are written, so a flood of bad
 * messages slows the sender down instead of growing the process.
 */
export class DeadLetters {
  /** Lines handed to the stream. */
  written = 0;
  /** Failed messages that could not be written (no file configured, or the file failed). */
  lost = 0;
  private stream: WriteStream | undefined;
  private error: unknown;
  private closed = false;
  private congested = false;

  constructor(
    /** Absolute path, or false to keep no dead letters. */
    readonly file: string | false,
    private readonly log: Logger,
    private readonly pressure?: Pressure,
    private readonly bufferBytes = BUFFER_BYTES,
  ) {}

  /** Opens the file for appending, making its directory if needed. */
  async open(): Promise<void> {
    if (this.file === false || this.stream !== undefined) return;
    await mkdir(path.dirname(this.file), { recursive: true });
    const stream = createWriteStream(this.file, { flags: 'a', highWaterMark: this.bufferBytes });
    stream.on('error', (err) => {
      this.error ??= err;
      this.uncongest();
      this.log.error({ err, file: this.file }, 'the dead-letter file failed; later failed messages are lost');
    });
    stream.on('drain', () => this.uncongest());
    await once(stream, 'open');
    this.stream = stream;
  }

  /** Writes one failed message. Never throws: it runs inside a step's error hook. */
  write(event: ErrorEvent, message: MessageContext): void {
    if (this.stream === undefined || this.closed || this.error !== undefined) {
      this.lost++;
      if (this.file !== false) {
        this.log.error(
          { step: event.domain, messageId: message.id },
          'a failed message could not be dead-lettered',
        );
      }
      return;
    }
    try {
      const head = JSON.stringify({
        time: new Date().toISOString(),
        step: event.domain,
        source: message.source,
        messageId: message.id,
        errorType: event.errorType,
        message: event.message,
      });
      const room = this.stream.write(`${head.slice(0, -1)}${payloadField(message.raw)}}\n`);
      this.written++;
      if (!room && !this.congested) {
        this.congested = true;
        this.pressure?.hold();
      }
    } catch (err) {
      this.lost++;
      this.log.error({ err, step: event.domain }, 'a failed message could not be dead-lettered');
    }
  }

  /** Flushes and closes the file. Idempotent. Rejects when the file could not be written. */
  async close(): Promise<void> {
    const stream = this.stream;
    if (stream === undefined || this.closed) return;
    this.closed = true;
    this.uncongest();
    if (this.error === undefined) {
      await new Promise<void>((resolve) => stream.end(resolve));
    } else {
      stream.destroy();
    }
    if (this.error !== undefined) throw this.error;
  }

  private uncongest(): void {
    if (!this.congested) return;
    this.congested = false;
    this.pressure?.release();
  }
}
