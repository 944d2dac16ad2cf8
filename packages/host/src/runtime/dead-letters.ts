import {
  ExportError,
  type ErrorEvent,
  type LateDeadLetter,
  type Logger,
  type MessageContext,
} from '@tapline/core';
import { LineFile } from '@tapline/core/io';
import type { DeadLetterConfig } from '../config/loaded-config.js';
import { inputField, payloadField } from './letter-fields.js';
import type { RecentFailures } from './recent-failures.js';

/**
 * For a record some outputs have and others lack: `targets` (those that lack it, where a
 * replay sends it), `written` (those that have it) and `dropped` (whose policy dropped it).
 */
function outputsOf(cause: unknown): object | undefined {
  if (!(cause instanceof ExportError)) return undefined;
  const { targets, written, dropped } = cause;
  return dropped.length === 0 ? { targets, written } : { targets, written, dropped };
}

/** A record that failed again in a replay carries how many replays it has been through. */
function replaysOf(message: MessageContext): { replays: number } | undefined {
  const replays = message.attributes?.replays;
  return typeof replays === 'number' ? { replays } : undefined;
}

/** With no dead-letter file configured, failed messages are counted and kept nowhere, on purpose. */
const NOTHING_TO_WRITE = Promise.resolve();

/** A dead letter's write is retried like an exporter's before the message counts as lost. */
const RETRY = { retries: 3, retryDelayMs: 100, retryMaxDelayMs: 1000 };

/**
 * Appends failed messages to an NDJSON file in batches (no synchronous I/O per message). Each
 * line: time, step, source, messageId, errorType, message, for an output failure of a record
 * other outputs took `targets`, `written` (and `dropped`), the original payload (`payload`
 * for JSON, else `payloadBase64`) and, when given, the record as the failing step held it
 * (`input`, see {@link inputField}). `write` settles once the line reached the OS: the failed
 * message stays in flight until then, so `maxInFlight` also bounds what waits for the disk.
 */
export class DeadLetters {
  private readonly lines: LineFile | undefined;

  /** Absolute path, or false when no dead letters are kept. */
  readonly file: string | false;
  private readonly maxPayloadBytes: number;

  /** @param recent - told of every dead letter, written or not, for `GET /api/failures` */
  constructor(
    config: DeadLetterConfig | false,
    log: Logger,
    private readonly recent?: RecentFailures,
  ) {
    this.file = config === false ? false : config.path;
    this.maxPayloadBytes = config === false ? Infinity : config.maxPayloadBytes;
    if (config !== false) {
      const { rotateBytes, rotateKeep } = config;
      this.lines = new LineFile(config.path, { retry: RETRY, logger: log, rotateBytes, rotateKeep });
    }
  }

  /** Dead letters the OS took. */
  get written(): number {
    return this.lines?.written ?? 0;
  }

  /** Opens the file for appending, making its directory if needed. */
  async open(): Promise<void> {
    await this.lines?.open();
  }

  /**
   * Writes one failed message, with `input`, what the failing step held, when given. Resolves
   * once it is in the file (at once when no file is configured); rejects when it could not be
   * written. Never throws: it runs inside a step's error hook.
   */
  write(event: ErrorEvent, message: MessageContext, input?: unknown): Promise<void> {
    try {
      this.recent?.add(event, message);
      if (this.lines === undefined) return NOTHING_TO_WRITE;
      const head = JSON.stringify({
        time: new Date().toISOString(),
        step: event.domain,
        source: message.source,
        messageId: message.id,
        errorType: event.errorType,
        message: event.message,
        ...outputsOf(event.cause),
        ...replaysOf(message),
      });
      const max = this.maxPayloadBytes;
      return this.lines.append(
        `${head.slice(0, -1)}${payloadField(message.raw, max)}${inputField(input, max)}}`,
      );
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /**
   * Writes the late dead letter of a record that had completed: `targets` names the one output
   * that gave up on it; the record as `step` received it is its `input` (a replay enters it
   * there) and, the original being gone, its payload. Resolves once it is in the file; rejects
   * when it could not be written.
   */
  writeLate(step: string, letter: LateDeadLetter): Promise<void> {
    this.recent?.addLate(step, letter);
    if (this.lines === undefined) return NOTHING_TO_WRITE;
    try {
      const head = JSON.stringify({
        time: new Date().toISOString(),
        step,
        messageId: letter.messageId,
        errorType: letter.error.code,
        message: letter.error.message,
        targets: [letter.target],
        late: true,
      });
      const max = this.maxPayloadBytes;
      const input = inputField(JSON.parse(letter.record), max);
      return this.lines.append(`${head.slice(0, -1)}${payloadField(letter.record, max)}${input}}`);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** Later dead letters go to a file opened anew at the path (after log rotation). */
  reopen(): void {
    this.lines?.reopen();
  }

  /** Writes what waits, fsyncs and closes the file. Idempotent. */
  async close(): Promise<void> {
    await this.lines?.close();
  }
}
