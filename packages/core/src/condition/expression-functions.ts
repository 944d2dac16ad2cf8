import { compileLinearRegex, type LinearRegex } from './linear-regex.js';

/**
 * The functions Tapline adds to standard CEL, with the line the docs give each. Every one is a
 * pure function of its arguments: none reads the file system, the network, the clock or the
 * environment.
 */
export interface ExpressionFunction {
  readonly signature: string;
  readonly doc: string;
  readonly handler: (...args: never[]) => unknown;
}

// Patterns are usually literals: one compiled RE2 program per distinct pattern, kept for the
// process. Bounded, so patterns built from record values cannot grow it without end.
const patterns = new Map<string, LinearRegex>();
function pattern(source: string): LinearRegex {
  let re = patterns.get(source);
  if (re === undefined) {
    re = compileLinearRegex(source);
    if (patterns.size >= 1024) patterns.clear();
    patterns.set(source, re);
  }
  return re;
}

function extract(text: string, source: string): string {
  const m = pattern(source).matcher(text);
  if (!m.find()) return '';
  return (m.groupCount() > 0 ? m.group(1) : m.group(0)) ?? '';
}

// Epochs below this are seconds, as the processor's coerce reads them: 1e11 s is the year 5138.
const SECONDS_BELOW = 1e11;
function toTimestamp(value: unknown): Date {
  let ms: number;
  if (typeof value === 'number' || typeof value === 'bigint') {
    const n = Number(value);
    ms = Math.abs(n) < SECONDS_BELOW ? n * 1000 : n;
  } else if (typeof value === 'string') {
    const n = value.trim() === '' ? NaN : Number(value);
    ms = Number.isFinite(n) ? (Math.abs(n) < SECONDS_BELOW ? n * 1000 : n) : Date.parse(value);
  } else {
    throw new Error(`parseTimestamp takes a string or a number, not ${typeName(value)}`);
  }
  const date = new Date(ms);
  if (!Number.isFinite(date.getTime())) throw new Error(`${JSON.stringify(value)} is not a timestamp`);
  return date;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const LAYOUT_TOKENS = /YYYY|MM|DD|HH|mm|ss|SSS/g;
function formatTimestamp(date: Date, layout: string): string {
  return layout.replace(LAYOUT_TOKENS, (token) => {
    switch (token) {
      case 'YYYY':
        return pad(date.getUTCFullYear(), 4);
      case 'MM':
        return pad(date.getUTCMonth() + 1, 2);
      case 'DD':
        return pad(date.getUTCDate(), 2);
      case 'HH':
        return pad(date.getUTCHours(), 2);
      case 'mm':
        return pad(date.getUTCMinutes(), 2);
      case 'ss':
        return pad(date.getUTCSeconds(), 2);
      default:
        return pad(date.getUTCMilliseconds(), 3);
    }
  });
}

/** A number from a number, a numeric string or a boolean; NaN when there is none. */
function numberOf(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return NaN;
}

function toNumber(value: unknown): number {
  const n = numberOf(value);
  if (Number.isNaN(n)) throw new Error(`${describe(value)} is not a number`);
  return n;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a map' : `a ${typeof value}`;
}
function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : typeName(value);
}

const lower = (s: string) => s.toLowerCase();
const upper = (s: string) => s.toUpperCase();
const trim = (s: string) => s.trim();
const split = (s: string, separator: string) => s.split(separator);
const matches = (text: string, source: string) => pattern(source).test(text);

export const EXPRESSION_FUNCTIONS: readonly ExpressionFunction[] = [
  { signature: 'lower(string): string', doc: 'the text in lower case', handler: lower },
  { signature: 'string.lower(): string', doc: 'the same, as a method', handler: lower },
  { signature: 'upper(string): string', doc: 'the text in upper case', handler: upper },
  { signature: 'string.upper(): string', doc: 'the same, as a method', handler: upper },
  {
    signature: 'trim(string): string',
    doc: 'the text without leading and trailing white space (standard `text.trim()` works too)',
    handler: trim,
  },
  {
    signature: 'split(string, string): list<string>',
    doc: 'the parts of the text between separators (standard `text.split(sep)` works too)',
    handler: split,
  },
  {
    signature: 'matches(string, string): bool',
    doc: 'whether the RE2 pattern matches somewhere in the text, in time linear in the text',
    handler: matches,
  },
  {
    signature: 'extract(string, string): string',
    doc: "the pattern's first capture group in its first match (the whole match without a group), '' when it does not match",
    handler: extract,
  },
  {
    signature: 'parseTimestamp(dyn): google.protobuf.Timestamp',
    doc: 'a timestamp from an ISO 8601 or RFC 2822 date, or from an epoch (below 1e11 seconds, else milliseconds)',
    handler: toTimestamp,
  },
  {
    signature: 'formatTimestamp(google.protobuf.Timestamp): string',
    doc: 'the timestamp as ISO 8601 in UTC, with milliseconds',
    handler: (date: Date) => date.toISOString(),
  },
  {
    signature: 'formatTimestamp(google.protobuf.Timestamp, string): string',
    doc: 'the timestamp in UTC by a layout of YYYY MM DD HH mm ss SSS (other characters are copied)',
    handler: formatTimestamp,
  },
  {
    signature: 'toNumber(dyn): double',
    doc: 'a number from a number, a numeric string or a boolean; fails the record otherwise',
    handler: toNumber,
  },
  {
    signature: 'toNumber(dyn, double): double',
    doc: 'the same, with a fallback instead of failing',
    handler: (value: unknown, fallback: number) => {
      const n = numberOf(value);
      return Number.isNaN(n) ? fallback : n;
    },
  },
];
