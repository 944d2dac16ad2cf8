import { compileExpression } from '@tapline/core/condition';

/**
 * Compiles a `set` step's `expr` into a function of the record that gives a JSON value: CEL's
 * integers (BigInt) become numbers, timestamps ISO 8601 strings, bytes base64, maps objects.
 */
export function compileComputed(source: string): (record: unknown) => unknown {
  const evaluate = compileExpression(source);
  return (record) => {
    const v = evaluate(record);
    // The common results need no conversion: no walk, no allocation.
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null
      ? v
      : toJson(v);
  };
}

function toJson(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v !== 'object') return v;
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (Array.isArray(v)) return v.map(toJson);
  if (v instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of v) out[String(k)] = toJson(x);
    return out;
  }
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return String(v);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = toJson((v as Record<string, unknown>)[k]);
  return out;
}
