import { messageOf, type MessageContext } from '@tapline/core';
import { errorTypeOf } from '@tapline/core/internal';
import type { Ending, TapSide } from './tap-listener.js';

const utf8 = new TextDecoder('utf-8');

/** A record as JSON can carry it: bytes (a source's raw payload) as their text. */
function carried(record: unknown): unknown {
  return record instanceof Uint8Array ? utf8.decode(record) : record;
}

/** Extra fields of a line: an ending's reason or error, a receipt, a followed step's duration. */
export interface LineExtra extends Ending {
  readonly receipt?: unknown;
  readonly durationMs?: number;
}

/**
 * One record line of a tap: `{"type":"record","step","side","id","time","record"}`, with
 * `reason` for a drop, `error: { code, message }` for a failure. Made only for a record that is
 * sent (or enters a rate's sample).
 */
export function recordLine(
  step: string,
  side: TapSide,
  message: MessageContext,
  record: unknown,
  extra?: LineExtra,
): string {
  const line: Record<string, unknown> = {
    type: 'record',
    step,
    side,
    id: message.id,
    time: new Date().toISOString(),
    record: carried(record),
  };
  // A plain DROP has no reason of its own: the accounting counts it as `filtered`.
  if (side === 'dropped') line.reason = extra?.reason ?? 'filtered';
  if (extra !== undefined) {
    if (side === 'failed') line.error = { code: errorTypeOf(extra.error), message: messageOf(extra.error) };
    if (extra.receipt !== undefined) line.receipt = extra.receipt;
    if (extra.durationMs !== undefined) line.durationMs = extra.durationMs;
  }
  try {
    return JSON.stringify(line);
  } catch {
    // Not JSON (a cycle, a BigInt): what its string form says.
    line.record = String(record);
    return JSON.stringify(line);
  }
}
