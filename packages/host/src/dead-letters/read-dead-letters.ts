import { createReadStream } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';

/** One dead-letter line as the host writes it (`runtime/dead-letters.ts`). */
export interface DeadLetter {
  readonly time: string;
  readonly step: string;
  readonly source?: string;
  readonly messageId?: number;
  readonly errorType: string;
  readonly message: string;
  /** Exporter targets that lack the record (an output failure). */
  readonly targets?: readonly string[];
  readonly payload?: unknown;
  readonly payloadBase64?: string;
  /** The payload was larger than `deadLetter.maxPayloadBytes`: only its first bytes are kept. */
  readonly payloadTruncated?: { readonly size: number; readonly sha256: string; readonly headBase64: string };
  /**
   * The record as the failing step held it when it failed (what it received, unless it changed
   * it in place first): JSON, or bytes as base64. Absent when the step is the source or the
   * first step after it (the payload is that record), and in letters of earlier versions.
   */
  readonly input?: unknown;
  /** That record, when it was bytes. */
  readonly inputBase64?: string;
  /** That record was larger than `deadLetter.maxPayloadBytes`: the letter cannot enter at its step. */
  readonly inputTruncated?: { readonly size: number; readonly sha256: string; readonly headBase64: string };
  /**
   * A late letter: its record had completed, then one output (`targets`) gave up on it; the
   * record as `step` received it is both its `input` and its payload.
   */
  readonly late?: boolean;
  /** For a record a replay failed again: how many replays it has been through. */
  readonly replays?: number;
}

/** A line read from a dead-letter file: the letter, or why it is not one. */
export type ReadLine =
  | { readonly file: string; readonly line: number; readonly letter: DeadLetter; readonly text: string }
  | { readonly file: string; readonly line: number; readonly problem: string };

/**
 * A dead-letter file with its rotated predecessors, oldest first (`path.N` … `path.1`, `path`),
 * those that exist. Rotation shifts `path` to `path.1`, so a higher number is older.
 */
export async function withRotated(file: string, keep = 100): Promise<string[]> {
  const found: string[] = [];
  for (let i = keep; i >= 1; i--) if (await exists(`${file}.${i}`)) found.push(`${file}.${i}`);
  if (await exists(file)) found.push(file);
  return found;
}

/**
 * Streams every line of the files in order, parsed; a line that is not a dead letter says why.
 * Each file is read as far as it reached when its reading began: letters appended meanwhile (a
 * replay's own failures) are left for the next reading.
 */
export async function* readDeadLetters(files: readonly string[]): AsyncGenerator<ReadLine> {
  for (const file of files) {
    let line = 0;
    const size = (await stat(file).catch(() => undefined))?.size ?? 0;
    if (size === 0) continue;
    const lines = createInterface({ input: createReadStream(file, { end: size - 1 }), crlfDelay: Infinity });
    for await (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        yield { file, line, problem: 'not JSON (a line cut short by a crash or a full disk?)' };
        continue;
      }
      const v = value as Partial<DeadLetter> | null;
      if (
        v === null ||
        typeof v !== 'object' ||
        typeof v.step !== 'string' ||
        typeof v.errorType !== 'string'
      ) {
        yield { file, line, problem: 'not a dead letter (no "step" and "errorType")' };
        continue;
      }
      yield { file, line, letter: v as DeadLetter, text };
    }
  }
}

function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}
