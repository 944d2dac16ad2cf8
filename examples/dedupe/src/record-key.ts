import { ValidationError, getPath, parsePath, type JsonRecord } from '@tapline/core';

/** Reads a record's key: `undefined` when a key field is missing. */
export type KeyReader = (record: JsonRecord) => unknown;

/** Compiles the `key` option once, so that reading a key costs no string splitting per message. */
export function compileKey(key: string | readonly string[]): KeyReader {
  const paths = (typeof key === 'string' ? [key] : key).map(parsePath);
  if (paths.length === 1) {
    const path = paths[0]!;
    // A primitive is its own Map key ("1" and 1 stay apart); objects are compared by their JSON.
    return (record) => {
      const value = getPath(record, path);
      if (value === undefined) return undefined;
      return typeof value === 'object' && value !== null ? JSON.stringify(value) : value;
    };
  }
  return (record) => {
    const values: unknown[] = [];
    for (const path of paths) {
      const value = getPath(record, path);
      if (value === undefined) return undefined;
      values.push(value);
    }
    return JSON.stringify(values);
  };
}

/** The error for a record that lacks a key field. */
export function missingKey(key: string | readonly string[]): ValidationError {
  const fields = typeof key === 'string' ? key : key.join(', ');
  return new ValidationError(
    `The record has no value for the dedupe key (${fields}); set onMissingKey to "forward" to pass such records on`,
  );
}
