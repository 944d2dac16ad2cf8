import type { DeadLetter } from '../dead-letters/read-dead-letters.js';

/** Where a replayed letter enters the pipeline: `--from-start`, a named step, or the step that failed. */
export type ReplayFrom =
  { readonly kind: 'failed' } | { readonly kind: 'start' } | { readonly kind: 'step'; readonly step: string };

/** A letter's way back in: the step's index, the value it is handed, the raw bytes the message carries. */
export interface LetterEntry {
  readonly index: number;
  readonly value: unknown;
  readonly raw: Buffer;
  /** The failing step was asked for, but the letter holds no record as that step received it. */
  readonly fromStartInstead: boolean;
}

/**
 * How `letter` re-enters a pipeline of `steps` (ids, the source first). A payload that is JSON
 * enters at the first step after the source as the record it was, unless the source itself
 * failed on it; bytes that are not JSON go through the source again, which decodes them.
 * Returns why not when it cannot be replayed.
 */
export function letterEntry(
  letter: DeadLetter,
  steps: readonly string[],
  from: ReplayFrom,
): LetterEntry | { readonly problem: string } {
  if (letter.payloadTruncated !== undefined) {
    return { problem: `it holds only the first bytes of its ${letter.payloadTruncated.size}-byte payload` };
  }
  const json = letter.payload !== undefined;
  const raw = json
    ? Buffer.from(JSON.stringify(letter.payload))
    : letter.payloadBase64 !== undefined
      ? Buffer.from(letter.payloadBase64, 'base64')
      : undefined;
  if (raw === undefined) return { problem: 'it holds no payload' };
  // A fresh copy: steps may change the record they are handed.
  const record = (): unknown => JSON.parse(raw.toString('utf8'));
  const atSource = { index: 0, value: raw, raw, fromStartInstead: false };
  const afterSource = (instead: boolean) =>
    json && steps.length > 1
      ? { index: 1, value: record(), raw, fromStartInstead: instead }
      : { ...atSource, fromStartInstead: instead };
  if (from.kind === 'start') return afterSource(false);
  if (from.kind === 'step') {
    const index = steps.indexOf(from.step);
    if (index < 0) return { problem: `the pipeline has no step "${from.step}"` };
    if (index === 0) return atSource;
    if (!json)
      return { problem: `its payload is not JSON, so it can only enter at the source "${steps[0]}"` };
    return { index, value: record(), raw, fromStartInstead: false };
  }
  const failed = steps.indexOf(letter.step);
  if (failed === 0) return atSource;
  // The step's own input is not in the letter: the record is made again from its payload.
  return afterSource(failed !== 1 || !json);
}
