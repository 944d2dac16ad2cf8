import { createHash } from 'node:crypto';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The original payload as NDJSON fields: JSON text as it came (on one line), anything else as
 * base64. A payload of more than `maxBytes` keeps its first `maxBytes` (base64), its size and
 * its SHA-256, so that one huge frame cannot fill the disk or stall the writer.
 */
export function payloadField(raw: unknown, maxBytes = Infinity): string {
  if (raw === undefined) return '';
  const size =
    typeof raw === 'string' ? Buffer.byteLength(raw) : raw instanceof Uint8Array ? raw.byteLength : 0;
  if (size > maxBytes)
    return truncatedField(typeof raw === 'string' ? Buffer.from(raw) : (raw as Uint8Array), maxBytes);
  let text: string | undefined;
  if (typeof raw === 'string') text = raw;
  else if (raw instanceof Uint8Array) {
    try {
      text = utf8.decode(raw);
    } catch {
      return `,"payloadBase64":"${Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64')}"`;
    }
  } else {
    try {
      const json = JSON.stringify(raw);
      if (json !== undefined) return `,"payload":${json}`;
    } catch {
      // Not serializable (a cycle, a BigInt): keep what its string form says.
    }
    text = String(raw);
    return `,"payloadBase64":"${Buffer.from(text).toString('base64')}"`;
  }
  try {
    JSON.parse(text);
    // Valid JSON can hold a raw line break only as whitespace between tokens.
    return `,"payload":${text.replace(/[\r\n]+/g, ' ')}`;
  } catch {
    return `,"payloadBase64":"${Buffer.from(text).toString('base64')}"`;
  }
}

function truncatedField(bytes: Uint8Array, maxBytes: number, name = 'payload'): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const head = buf.subarray(0, maxBytes).toString('base64');
  const sha256 = createHash('sha256').update(buf).digest('hex');
  return `,"${name}Truncated":{"size":${buf.length},"sha256":"${sha256}","headBase64":"${head}"}`;
}

/**
 * The record as the failing step held it, as NDJSON fields: `input` (its JSON), `inputBase64`
 * for bytes, or, past `maxBytes`, `inputTruncated` (size, SHA-256, first bytes), with which the
 * letter can no longer enter at that step. Nothing when there is no input or it is not JSON
 * (a cycle, a BigInt): the letter then holds its payload alone.
 */
export function inputField(input: unknown, maxBytes = Infinity): string {
  if (input === undefined) return '';
  if (input instanceof Uint8Array) {
    if (input.byteLength > maxBytes) return truncatedField(input, maxBytes, 'input');
    return `,"inputBase64":"${Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('base64')}"`;
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(input);
  } catch {
    return '';
  }
  if (json === undefined) return '';
  if (Buffer.byteLength(json) > maxBytes) return truncatedField(Buffer.from(json), maxBytes, 'input');
  return `,"input":${json}`;
}
