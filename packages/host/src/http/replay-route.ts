import type { IncomingMessage } from 'node:http';
import type { Outcome } from '@tapline/core';
import type { ReplayEntry } from '../runtime/inject.js';

/** The most a replay request may carry: a batch of letters is at most `maxInFlight` of them. */
export const REPLAY_BODY_LIMIT = 32 * 1024 * 1024;

/** What `POST /api/replay` takes: records to send in at named steps. */
export interface ReplayRequest {
  readonly entries: ReadonlyArray<{
    readonly step: string;
    readonly value?: unknown;
    /** Instead of `value`, for a record that is bytes: them, base64. */
    readonly valueBase64?: string;
    /** The raw payload, base64. */
    readonly raw: string;
    readonly attributes?: Record<string, unknown>;
  }>;
}

/** The request's entries, or why it is not a replay request (a 400 to answer). */
export async function readReplayRequest(
  req: IncomingMessage,
): Promise<ReplayEntry[] | { error: string; status: number }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > REPLAY_BODY_LIMIT)
      return { status: 413, error: `a replay request holds at most ${REPLAY_BODY_LIMIT} bytes` };
    chunks.push(chunk);
  }
  let body: ReplayRequest;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReplayRequest;
  } catch {
    return { status: 400, error: 'the body must be JSON: { "entries": [{ "step", "value", "raw" }] }' };
  }
  if (!Array.isArray(body?.entries)) return { status: 400, error: 'the body needs "entries", an array' };
  const entries: ReplayEntry[] = [];
  type Loose = Partial<ReplayRequest['entries'][number]> | null;
  for (const e of body.entries as readonly Loose[]) {
    if (typeof e?.step !== 'string' || typeof e.raw !== 'string') {
      return { status: 400, error: 'each entry needs "step" (a step id) and "raw" (base64)' };
    }
    const attributes = e.attributes !== null && typeof e.attributes === 'object' ? e.attributes : undefined;
    const value = typeof e.valueBase64 === 'string' ? Buffer.from(e.valueBase64, 'base64') : e.value;
    entries.push({ step: e.step, value, raw: Buffer.from(e.raw, 'base64'), attributes });
  }
  return entries;
}

/** Where a replay request goes: a running host. */
export interface ReplayTarget {
  replay(entries: readonly ReplayEntry[]): Promise<Outcome[]>;
}
