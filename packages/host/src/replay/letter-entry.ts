import type { DeadLetter } from '../dead-letters/read-dead-letters.js';

/** Where a replayed letter enters the pipeline: `--from-start`, a named step, or the step that failed. */
export type ReplayFrom =
  { readonly kind: 'failed' } | { readonly kind: 'start' } | { readonly kind: 'step'; readonly step: string };

/** A letter's way back in: the step's index, the value it is handed, the raw bytes the message carries. */
export interface LetterEntry {
  readonly index: number;
  readonly value: unknown;
  readonly raw: Buffer;
  /**
   * The failing step was asked for, but the letter holds no record as that step received it
   * (a letter of an earlier version, or one whose step is gone): it enters after the source.
   */
  readonly fromStartInstead: boolean;
  /** `--from-step` named a step past the first whose record the letter does not hold: it gets the payload. */
  readonly payloadInstead: boolean;
}

/**
 * How `letter` re-enters a pipeline of `steps` (ids, the source first). By default it enters at
 * the step that failed, with the record as that step held it (`input`); the first step after
 * the source gets the payload, which is that record. A letter without an input (an earlier
 * version's) enters after the source with its payload, as does every letter `--from-start`.
 * Bytes that are not JSON go through the source again, which decodes them. Returns why not
 * when it cannot be replayed.
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
  const entry = (index: number, value: unknown, fromStartInstead = false, payloadInstead = false) => ({
    index,
    value,
    raw,
    fromStartInstead,
    payloadInstead,
  });
  // A fresh copy: steps may change the record they are handed.
  const record = (): unknown => JSON.parse(raw.toString('utf8'));
  const afterSource = (instead: boolean) =>
    json && steps.length > 1 ? entry(1, record(), instead) : entry(0, raw, instead);
  if (from.kind === 'start') return afterSource(false);
  if (from.kind === 'step') {
    const index = steps.indexOf(from.step);
    if (index < 0) return { problem: `the pipeline has no step "${from.step}"` };
    if (index === 0) return entry(0, raw);
    const own = from.step === letter.step ? ownInput(letter, index, raw) : undefined;
    if (own !== undefined) return own;
    if (!json)
      return { problem: `its payload is not JSON, so it can only enter at the source "${steps[0]}"` };
    return entry(index, record(), false, index > 1);
  }
  const failed = steps.indexOf(letter.step);
  if (failed === 0) return entry(0, raw);
  const own = failed > 0 ? ownInput(letter, failed, raw) : undefined;
  if (own !== undefined) return own;
  return afterSource(failed !== 1 || !json);
}

/** The letter entering its failing step (at `index`) with the record as that step held it, if it has it. */
function ownInput(
  letter: DeadLetter,
  index: number,
  raw: Buffer,
): LetterEntry | { readonly problem: string } | undefined {
  const at = (value: unknown): LetterEntry => ({
    index,
    value,
    raw,
    fromStartInstead: false,
    payloadInstead: false,
  });
  if (letter.inputTruncated !== undefined) {
    return {
      problem:
        `the record as "${letter.step}" received it was ${letter.inputTruncated.size} bytes, more than ` +
        'deadLetter.maxPayloadBytes, so only its first bytes are kept: it cannot enter there; replay it with --from-start',
    };
  }
  if (letter.input !== undefined) return at(letter.input);
  if (letter.inputBase64 !== undefined) return at(Buffer.from(letter.inputBase64, 'base64'));
  return undefined;
}
