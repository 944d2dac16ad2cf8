import { TransformError } from '@tapline/core';

/** Converts a present, non-null value; throws TransformError when it cannot. */
export type Coercer = (value: unknown, field: string) => unknown;

const TRUE: ReadonlySet<string> = new Set(['true', '1', 'yes', 'on']);
const FALSE: ReadonlySet<string> = new Set(['false', '0', 'no', 'off']);
// Epochs below this are read as seconds by unit 'auto': 1e11 s is the year 5138, 1e11 ms is 1973.
const SECONDS_BELOW = 1e11;
const NUMERIC = /^\s*-?\d+(\.\d+)?\s*$/;

function fail(field: string, value: unknown, to: string): never {
  const shown = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  throw new TransformError(field, `Field "${field}" holds ${shown}, which cannot be coerced to ${to}`);
}

export function toNumber(value: unknown, field: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    if (Number.isFinite(n)) return n;
  }
  return fail(field, value, 'a number');
}

export function toStringValue(value: unknown): string {
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function toBoolean(value: unknown, field: string): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 0 || value === 1) return value === 1;
  if (typeof value === 'string') {
    const s = value.trim().toLowerCase();
    if (TRUE.has(s)) return true;
    if (FALSE.has(s)) return false;
  }
  return fail(field, value, 'a boolean');
}

/** A coercer to an ISO 8601 string from epoch milliseconds or seconds, or a date string. */
export function toTimestamp(unit: 'auto' | 'ms' | 's'): Coercer {
  return (value, field) => {
    let ms: number;
    if (typeof value === 'number' || (typeof value === 'string' && NUMERIC.test(value))) {
      const n = Number(value);
      const seconds = unit === 's' || (unit === 'auto' && Math.abs(n) < SECONDS_BELOW);
      ms = seconds ? n * 1000 : n;
    } else if (typeof value === 'string') {
      ms = Date.parse(value);
    } else {
      return fail(field, value, 'a timestamp');
    }
    const date = new Date(ms);
    // Date.parse gives NaN for text it cannot read; toISOString throws beyond year 275760.
    if (!Number.isFinite(date.getTime())) return fail(field, value, 'a timestamp');
    return date.toISOString();
  };
}

export function coercer(
  to: 'number' | 'string' | 'boolean' | 'timestamp',
  unit: 'auto' | 'ms' | 's',
): Coercer {
  switch (to) {
    case 'number':
      return toNumber;
    case 'string':
      return toStringValue;
    case 'boolean':
      return toBoolean;
    case 'timestamp':
      return toTimestamp(unit);
  }
}
