import { DecodeError, type JsonRecord } from '@tapline/core';
import type { ZmqSourceOptions } from './options.js';

/** What each `decode` mode produces. */
export interface Decoded {
  record: JsonRecord;
  /** Each line of a frame is its own record. */
  ndjson: JsonRecord;
  json: unknown;
  text: string;
  raw: Buffer;
}

/** Decodes one payload: a frame's bytes, or (decode `ndjson`) one line, as text when the frame was UTF-8. */
export type Decoder<T> = (payload: Buffer | string) => T;

// One decoder for the process. `fatal` so that invalid UTF-8 is a decode error rather than
// silently becoming U+FFFD; a leading BOM is dropped, which JSON.parse would choke on.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `what` names the payload in errors: "message", or "line" for a line of an NDJSON frame. */
function text(payload: Buffer | string, what = 'message'): string {
  if (typeof payload === 'string') return payload;
  try {
    return utf8.decode(payload);
  } catch (err) {
    throw new DecodeError(`The ${what} is not valid UTF-8 (${payload.length} bytes).`, err);
  }
}

function json(payload: Buffer | string, what = 'message'): unknown {
  if (payload.length === 0) throw new DecodeError(`The ${what} is empty; expected JSON.`);
  const source = text(payload, what);
  try {
    return JSON.parse(source);
  } catch (err) {
    throw new DecodeError(`The ${what} is not valid JSON (${Buffer.byteLength(payload)} bytes).`, err);
  }
}

function kindOf(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return undefined;
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

function record(payload: Buffer | string): JsonRecord {
  const value = json(payload);
  const kind = kindOf(value);
  if (kind !== undefined) {
    throw new DecodeError(
      `The message is ${kind}; decode "record" expects a JSON object. Use decode "json" for any JSON value.`,
    );
  }
  return value as JsonRecord;
}

function ndjson(line: Buffer | string): JsonRecord {
  const value = json(line, 'line');
  const kind = kindOf(value);
  if (kind !== undefined) {
    throw new DecodeError(`The line is ${kind}; decode "ndjson" expects one JSON object per line.`);
  }
  return value as JsonRecord;
}

const raw = (payload: Buffer | string): Buffer => payload as Buffer;

const DECODERS: { [K in keyof Decoded]: Decoder<Decoded[K]> } = { record, ndjson, json, text, raw };

/** The decoder of a `decode` mode. Chosen once, at construction, so nothing is looked up per message. */
export function decoderFor<K extends ZmqSourceOptions['decode']>(mode: K): Decoder<Decoded[K]> {
  return DECODERS[mode];
}
