import type { TypeName } from '@tapline/core';

const isRecord = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);

function isJson(v: unknown, depth = 0): boolean {
  if (depth > 64) return false;
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every((x) => isJson(x, depth + 1));
  if (!isRecord(v) || !isPlainObject(v)) return false;
  return Object.values(v as object).every((x) => isJson(x, depth + 1));
}

function isPlainObject(v: unknown): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Whether a value is what a built-in type name promises. Custom names (and `any`) are the
 * plugin's own business and always pass.
 */
export function matchesType(value: unknown, type: TypeName): boolean {
  switch (type) {
    case 'bytes':
      return value instanceof Uint8Array;
    case 'text':
      return typeof value === 'string';
    case 'record':
      return isRecord(value) && isJson(value);
    case 'json':
      return isJson(value);
    case 'receipt':
      return (
        isRecord(value) &&
        typeof (value as { delivered?: unknown }).delivered === 'number' &&
        Array.isArray((value as { targets?: unknown }).targets)
      );
    default:
      return true;
  }
}
