const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Equality of JSON values: primitives by value, arrays and objects by content, key order aside. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
}

/**
 * Whether `actual` has everything `partial` has: each key of an object recursively, arrays
 * element by element and of the same length, other values equal.
 */
export function isSubset(partial: unknown, actual: unknown): boolean {
  if (Array.isArray(partial)) {
    return (
      Array.isArray(actual) &&
      partial.length === actual.length &&
      partial.every((v, i) => isSubset(v, actual[i]))
    );
  }
  if (!isObject(partial)) return jsonEqual(partial, actual);
  if (!isObject(actual)) return false;
  return Object.keys(partial).every((k) => Object.hasOwn(actual, k) && isSubset(partial[k], actual[k]));
}

/**
 * `actual` with `partial` laid over it: the whole record a subset match wanted. Diffed against
 * `actual`, only the keys that do not match show.
 */
export function overlay(actual: unknown, partial: unknown): unknown {
  if (Array.isArray(partial) && Array.isArray(actual) && partial.length === actual.length) {
    return partial.map((v, i) => overlay(actual[i], v));
  }
  if (!isObject(partial) || !isObject(actual)) return partial;
  const out: Record<string, unknown> = { ...actual };
  for (const [k, v] of Object.entries(partial)) out[k] = overlay(actual[k], v);
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A raw frame as a test file would give it (`{ frame }` or `{ frameBase64 }`); other values as they are. */
export function readable(value: unknown): unknown {
  if (!(value instanceof Uint8Array)) return value;
  try {
    return { frame: utf8.decode(value) };
  } catch {
    return { frameBase64: Buffer.from(value).toString('base64') };
  }
}

/** JSON text of a value for reports: two-space indents, keys as they are. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}
