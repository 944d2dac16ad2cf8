import { crc32 } from 'node:zlib';

/**
 * A record in the log: a 32-byte header, then the serialized JSON.
 *
 * ```text
 * 0  magic  u32  "TPL1", to find the next frame after a damaged one
 * 4  length u32  bytes of JSON
 * 8  crc    u32  CRC-32 of bytes 12 … end (targets, seq, time, JSON)
 * 12 mask   u32  the targets (bits of the log's target table) the record is for
 * 16 seq    f64  the record's number in the log, from 1
 * 24 time   f64  when it was appended, epoch ms
 * ```
 */
export const HEADER_BYTES = 32;
const MAGIC = 0x314c5054;
/** A length above this is damage, not a record: no frame is larger than a segment may grow. */
export const MAX_RECORD_BYTES = 1 << 30;

/** One frame read back. */
export interface Frame {
  /** Where the frame starts in its segment. */
  readonly at: number;
  /** Where the next frame starts. */
  readonly end: number;
  readonly mask: number;
  readonly seq: number;
  readonly time: number;
  readonly json: Buffer;
}

/** Writes the frame of one record at `at` in `buf`, which has room for it; returns its end. */
export function encodeFrame(
  buf: Buffer,
  at: number,
  json: string,
  bytes: number,
  mask: number,
  seq: number,
  time: number,
): number {
  buf.writeUInt32LE(MAGIC, at);
  buf.writeUInt32LE(bytes, at + 4);
  buf.writeUInt32LE(mask >>> 0, at + 12);
  buf.writeDoubleLE(seq, at + 16);
  buf.writeDoubleLE(time, at + 24);
  buf.write(json, at + HEADER_BYTES, bytes, 'utf8');
  const end = at + HEADER_BYTES + bytes;
  buf.writeUInt32LE(crc32(buf.subarray(at + 12, end)), at + 8);
  return end;
}

/** What `readFrame` found at an offset. */
export type ReadResult =
  | { readonly kind: 'frame'; readonly frame: Frame }
  /**
   * The bytes end before the frame does: read more; at the end of a segment, a torn tail, or a
   * damaged length field when an intact frame follows (`resync`).
   */
  | { readonly kind: 'short' }
  /** No intact frame starts here; `seq` when its header looks readable. */
  | { readonly kind: 'bad'; readonly seq: number | undefined };

/** Reads the frame starting at `at` of `buf` (whose first byte is at `base` in the segment). */
export function readFrame(buf: Buffer, at: number, base: number): ReadResult {
  if (buf.length - at < HEADER_BYTES) return { kind: 'short' };
  if (buf.readUInt32LE(at) !== MAGIC) return { kind: 'bad', seq: undefined };
  const length = buf.readUInt32LE(at + 4);
  if (length > MAX_RECORD_BYTES) return { kind: 'bad', seq: undefined };
  const end = at + HEADER_BYTES + length;
  if (end > buf.length) return { kind: 'short' };
  const seq = buf.readDoubleLE(at + 16);
  if (crc32(buf.subarray(at + 12, end)) !== buf.readUInt32LE(at + 8)) {
    return { kind: 'bad', seq: Number.isSafeInteger(seq) && seq > 0 ? seq : undefined };
  }
  return {
    kind: 'frame',
    frame: {
      at: base + at,
      end: base + end,
      mask: buf.readUInt32LE(at + 12),
      seq,
      time: buf.readDoubleLE(at + 24),
      json: buf.subarray(at + HEADER_BYTES, end),
    },
  };
}

/** Where the next frame that looks intact starts after a damaged one at `at`, or -1. */
export function resync(buf: Buffer, at: number): number {
  for (let i = buf.indexOf(MAGIC_BYTES, at + 1); i >= 0; i = buf.indexOf(MAGIC_BYTES, i + 1)) {
    if (readFrame(buf, i, 0).kind === 'frame') return i;
  }
  return -1;
}

const MAGIC_BYTES = Buffer.from([0x54, 0x50, 0x4c, 0x31]);
