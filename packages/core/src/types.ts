/**
 * Type names make a chain checkable before any message flows.
 *
 * - `bytes`: a Buffer or Uint8Array
 * - `text`: a string
 * - `record`: a JSON object
 * - `json`: any JSON value (`record` and `text` are `json`)
 * - `receipt`: what a terminal exporter returns
 * - `any`: as an input, accepts everything
 *
 * A plugin may use its own names; they match only themselves and an `any` input.
 */
export type BuiltinTypeName = 'bytes' | 'text' | 'record' | 'json' | 'receipt' | 'any';
export type TypeName = BuiltinTypeName | (string & {});

export const BUILTIN_TYPE_NAMES: readonly BuiltinTypeName[] = [
  'bytes',
  'text',
  'record',
  'json',
  'receipt',
  'any',
];

const JSON_FAMILY: ReadonlySet<string> = new Set(['json', 'record', 'text']);

/** Whether a step whose input is `expected` accepts what a step whose output is `actual` emits. */
export function accepts(expected: TypeName, actual: TypeName): boolean {
  if (expected === 'any' || expected === actual) return true;
  return expected === 'json' && JSON_FAMILY.has(actual);
}

/** The value a `receipt` names: what was written where. */
export interface Receipt {
  /** How many targets took the record. */
  readonly delivered: number;
  /** The targets, by name. */
  readonly targets: readonly string[];
}

/** A JSON object. */
export type JsonRecord = Record<string, unknown>;
