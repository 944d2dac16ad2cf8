import { readFile, truncate } from 'node:fs/promises';
import type { Logger } from '@tapline/core';
import type { Cursor } from './cursor-file.js';
import { readFrame, resync } from './frame.js';

/** A segment file of the log, as far as it holds intact frames. */
export interface Segment {
  readonly id: number;
  readonly path: string;
  /** Bytes of frames in it; a torn tail was cut off at start-up. */
  size: number;
}

/** What one target finds in the log at start-up, past its cursor. */
export interface Backlog {
  /** Records for it not yet delivered: carried over from the last run. */
  records: number;
  /** Bytes of their frames. */
  bytes: number;
  /** When the oldest of them was appended (epoch ms), or undefined. */
  oldest: number | undefined;
}

/** Damage found at start-up. */
export interface Damage {
  readonly segment: string;
  readonly at: number;
  readonly bytes: number;
  /** The numbers of the records lost, where their headers could still be read. */
  readonly records: number[];
  readonly kind: 'torn tail' | 'corrupt';
}

/**
 * Reads every segment once: counts, per target, the records past its cursor; skips a damaged
 * stretch in the middle of a segment (the intact frames after it are kept and delivered); cuts
 * a torn or damaged tail off the file. Reports every damage and never throws for it.
 */
export async function recover(
  segments: Segment[],
  cursors: readonly (Cursor | undefined)[],
  log: Logger,
): Promise<{ lastSeq: number; backlogs: Backlog[]; damage: Damage[] }> {
  const backlogs: Backlog[] = cursors.map(() => ({ records: 0, bytes: 0, oldest: undefined }));
  const damage: Damage[] = [];
  let lastSeq = 0;
  for (const seg of segments) {
    const buf = await readFile(seg.path);
    let at = 0;
    while (at < buf.length) {
      const r = readFrame(buf, at, 0);
      if (r.kind === 'frame') {
        const f = r.frame;
        lastSeq = Math.max(lastSeq, f.seq);
        for (let bit = 0; bit < cursors.length; bit++) {
          const c = cursors[bit];
          if ((f.mask & (1 << bit)) === 0 || c === undefined) continue;
          if (seg.id > c.segment || (seg.id === c.segment && at >= c.offset)) {
            backlogs[bit]!.records++;
            backlogs[bit]!.bytes += f.end - at;
            backlogs[bit]!.oldest ??= f.time;
          }
        }
        at = f.end;
        continue;
      }
      // A frame that looks short is a torn tail only when no intact frame follows it: else its
      // length field is what was damaged.
      const next = resync(buf, at);
      const records = r.kind === 'bad' && r.seq !== undefined ? [r.seq] : [];
      if (r.kind === 'short' && buf.length - at >= 24) {
        const seq = buf.readDoubleLE(at + 16);
        if (Number.isSafeInteger(seq) && seq > lastSeq) records.push(seq);
      }
      if (next > 0) {
        damage.push({ segment: seg.path, at, bytes: next - at, records, kind: 'corrupt' });
        at = next;
        continue;
      }
      damage.push({ segment: seg.path, at, bytes: buf.length - at, records, kind: 'torn tail' });
      await truncate(seg.path, at);
      break;
    }
    seg.size = Math.min(at, buf.length);
  }
  for (const d of damage) {
    log.warn(
      { segment: d.segment, at: d.at, bytes: d.bytes, records: d.records },
      d.kind === 'corrupt'
        ? `disk buffer: skipped ${d.bytes} damaged bytes in the middle of a segment${d.records.length > 0 ? ` (record ${d.records.join(', ')})` : ''}; the intact records around them are delivered`
        : `disk buffer: cut off a torn tail of ${d.bytes} bytes${d.records.length > 0 ? ` (record ${d.records.join(', ')})` : ''}`,
    );
  }
  return { lastSeq, backlogs, damage };
}

/**
 * Warns of each target the log's table names that this run does not have and that had records
 * not yet delivered: no cursor holds the segments back for it any more, so those records go
 * with their segments once the configured targets are past them.
 */
export function reportRemoved(
  dir: string,
  names: readonly string[],
  targets: readonly string[],
  backlogs: readonly Backlog[],
  log: Logger,
): void {
  names.forEach((target, bit) => {
    const { records, bytes } = backlogs[bit]!;
    if (targets.includes(target) || records === 0) return;
    log.warn(
      { target, dir, records, bytes },
      `disk buffer: ${target} is no longer configured but the log in ${dir} holds ${records} records (${bytes} bytes) it had not delivered; they are no longer kept for it`,
    );
  });
}
