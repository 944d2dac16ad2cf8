import { ExportError, type ErrorEvent, type LateDeadLetter, type MessageContext } from '@tapline/core';

/** How many failures the ring keeps by default. */
export const RECENT_FAILURES = 50;

/** How much of a failed record's payload the ring keeps, in UTF-16 code units of its text. */
export const RECENT_PAYLOAD_CHARS = 1024;

/** One failed message as `GET /api/failures` shows it: what its dead letter says, payload cut short. */
export interface RecentFailure {
  /** ISO 8601, when it failed. */
  readonly time: string;
  /** The id of the step that failed it (`tapline` for one given up on at a stop's deadline). */
  readonly step: string;
  /**
   * The message's id within this process, as its dead letter names it; absent for a late dead
   * letter whose step no longer knows it (a record carried over a restart).
   */
  readonly messageId?: number;
  /** The error's code (`TAPLINE_ERR_TRANSFORM`) or, for an uncoded error, its class name. */
  readonly errorType: string;
  /** The error's message. */
  readonly message: string;
  /** For an output failure: the targets that lack the record, as its dead letter names them. */
  readonly targets?: readonly string[];
  /** The payload as text (bytes as UTF-8, invalid sequences replaced), at most `RECENT_PAYLOAD_CHARS`. */
  readonly payload: string;
  /** Whether `payload` is only the start of it. */
  readonly truncated: boolean;
  /** Set for a late dead letter: the record had completed, and an output gave up on it later. */
  readonly late?: true;
}

/** What `GET /api/failures` serves. */
export interface RecentFailuresSnapshot {
  /** Failures since the host started: every one, not only those kept. */
  readonly total: number;
  /** `total` by error code. */
  readonly byCode: Readonly<Record<string, number>>;
  /** How many `recent` holds at most. */
  readonly capacity: number;
  /** The latest failures, newest first. */
  readonly recent: readonly RecentFailure[];
}

const text = new TextDecoder('utf-8');

function payloadText(raw: unknown, max: number): { payload: string; truncated: boolean } {
  let whole: string;
  if (raw === undefined) whole = '';
  else if (typeof raw === 'string') whole = raw;
  else if (raw instanceof Uint8Array) {
    // Decode no more than could be shown: a UTF-8 character takes at most 4 bytes.
    const cut = raw.byteLength > max * 4;
    const decoded = text.decode(cut ? raw.subarray(0, max * 4) : raw);
    return { payload: decoded.slice(0, max), truncated: cut || decoded.length > max };
  } else {
    try {
      whole = JSON.stringify(raw) ?? String(raw);
    } catch {
      whole = String(raw);
    }
  }
  return { payload: whole.slice(0, max), truncated: whole.length > max };
}

/**
 * The last failures in a fixed ring, and a count per error code. Told of each dead letter as it
 * is written, so it costs nothing while nothing fails.
 */
export class RecentFailures {
  private readonly ring: Array<RecentFailure | undefined>;
  private next = 0;
  private total = 0;
  private readonly byCode: Record<string, number> = {};

  constructor(
    readonly capacity = RECENT_FAILURES,
    private readonly payloadChars = RECENT_PAYLOAD_CHARS,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`The recent failures ring needs a positive integer size, not ${capacity}`);
    }
    this.ring = new Array<RecentFailure | undefined>(capacity).fill(undefined);
  }

  add(event: ErrorEvent, message: MessageContext): void {
    const cause = event.cause;
    const targets = cause instanceof ExportError ? { targets: cause.targets } : undefined;
    this.ring[this.next] = {
      time: new Date().toISOString(),
      step: event.domain,
      messageId: message.id,
      errorType: event.errorType,
      message: event.message,
      ...targets,
      ...payloadText(message.raw, this.payloadChars),
    };
    this.count(event.errorType);
  }

  /** A late dead letter: `step`'s output `letter.target` gave up on a record that had completed. */
  addLate(step: string, letter: LateDeadLetter): void {
    this.ring[this.next] = {
      time: new Date().toISOString(),
      step,
      ...(letter.messageId === undefined ? {} : { messageId: letter.messageId }),
      errorType: letter.error.code,
      message: letter.error.message,
      targets: [letter.target],
      ...payloadText(letter.record, this.payloadChars),
      late: true,
    };
    this.count(letter.error.code);
  }

  private count(errorType: string): void {
    this.next = (this.next + 1) % this.capacity;
    this.total++;
    this.byCode[errorType] = (this.byCode[errorType] ?? 0) + 1;
  }

  snapshot(): RecentFailuresSnapshot {
    const recent: RecentFailure[] = [];
    for (let i = 1; i <= this.capacity; i++) {
      const f = this.ring[(this.next - i + this.capacity) % this.capacity];
      if (f !== undefined) recent.push(f);
    }
    return { total: this.total, byCode: { ...this.byCode }, capacity: this.capacity, recent };
  }
}
