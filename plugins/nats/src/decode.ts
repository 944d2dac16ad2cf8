import { DecodeError, type JsonRecord } from '@tapline/core';
import type { NatsSourceOptions } from './options.js';

/** What each `decode` mode produces. */
export interface Decoded {
  record: JsonRecord;
  json: unknown;
  text: string;
  raw: Buffer;
}

export type Decoder<T> = (payload: Buffer) => T;

// One decoder for the process. `fatal` so that invalid UTF-8 is a decode error rather than
// silently becoming U+FFFD; a leading BOM is dropped, which JSON.parse would choke on.
const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(payload: Buffer): string {
  try {
    return utf8.decode(payload);
  } catch (err) {
    throw new DecodeError(`The message is not valid UTF-8 (${payload.length} bytes).`, err);
  }
}

function json(payload: Buffer): unknown {
  if (payload.length === 0) throw new DecodeError('The message is empty; expected JSON.');
  const source = text(payload);
  try {
    return JSON.parse(source);
  } catch (err) {
    throw new DecodeError(`The message is not valid JSON (${payload.length} bytes).`, err);
  }
}

function record(payload: Buffer): JsonRecord {
  const value = json(payload);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw new DecodeError(
      `The message is ${kind}; decode "record" expects a JSON object. Use decode "json" for any JSON value.`,
    );
  }
  return value as JsonRecord;
}

const raw = (payload: Buffer): Buffer => payload;

const DECODERS: { [K in keyof Decoded]: Decoder<Decoded[K]> } = { record, json, text, raw };

/** The decoder of a `decode` mode. Chosen once, at construction, so nothing is looked up per message. */
export function decoderFor<K extends NatsSourceOptions['decode']>(mode: K): Decoder<Decoded[K]> {
  return DECODERS[mode];
}
