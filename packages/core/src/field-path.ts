/**
 * Field paths: `user.name`, `user.emails.0`, `items[0].id`, the one syntax every plugin's
 * options use for a field of a record. Parse a path once when options are compiled; reading and
 * writing then walk a ready array of keys.
 */

/** One step of a path: an object key, or an array index (a number). */
export type Segment = string | number;

/** A path the schema accepts: keys joined by dots, with optional `[n]` indexes. */
export const PATH_PATTERN = '^[^.\\[\\]]+(?:\\.[^.\\[\\]]+|\\[[0-9]+\\])*$';

const PATH_RE = new RegExp(PATH_PATTERN);
const INDEX_RE = /^[0-9]+$/;
// Writing these would reach an object's prototype instead of a field.
const FORBIDDEN: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Why a path cannot be used, or undefined when it can. */
export function pathProblem(path: string): string | undefined {
  if (!PATH_RE.test(path)) {
    return `"${path}" is not a field path: use keys joined by dots, with [n] or .n for array indexes`;
  }
  for (const s of parsePath(path)) {
    if (typeof s === 'string' && FORBIDDEN.has(s)) return `"${path}" uses the reserved key "${s}"`;
  }
  return undefined;
}

/** Splits a path into segments; all-digit segments become array indexes. */
export function parsePath(path: string): Segment[] {
  const segments: Segment[] = [];
  for (const part of path.split('.')) {
    const open = part.indexOf('[');
    const head = open === -1 ? part : part.slice(0, open);
    if (head !== '') segments.push(INDEX_RE.test(head) ? Number(head) : head);
    if (open === -1) continue;
    for (const m of part.slice(open).matchAll(/\[([0-9]+)\]/g)) segments.push(Number(m[1]));
  }
  return segments;
}

function isContainer(v: unknown): v is Record<Segment, unknown> {
  return v !== null && typeof v === 'object';
}

/** The value at a path, or undefined when any part of it is missing. */
export function getPath(record: unknown, path: readonly Segment[]): unknown {
  let cur: unknown = record;
  for (let i = 0; i < path.length; i++) {
    if (!isContainer(cur)) return undefined;
    cur = cur[path[i]!];
  }
  // JSON has no functions: a function here is an inherited member such as `toString`.
  return typeof cur === 'function' ? undefined : cur;
}

/** The container that holds the path's last segment, or undefined when it does not exist. */
export function getParent(record: unknown, path: readonly Segment[]): Record<Segment, unknown> | undefined {
  let cur: unknown = record;
  for (let i = 0; i < path.length - 1; i++) {
    if (!isContainer(cur)) return undefined;
    cur = cur[path[i]!];
  }
  return isContainer(cur) ? cur : undefined;
}

/**
 * Sets the value at a path, creating missing containers (an array when the next segment is
 * an index). Returns false when a part of the path holds a value that is not a container.
 */
export function setPath(record: Record<string, unknown>, path: readonly Segment[], value: unknown): boolean {
  let cur: Record<Segment, unknown> = record;
  const last = path.length - 1;
  for (let i = 0; i < last; i++) {
    const key = path[i]!;
    let next = cur[key];
    if (next === undefined || next === null) {
      next = typeof path[i + 1] === 'number' ? [] : {};
      cur[key] = next;
    } else if (!isContainer(next)) {
      return false;
    }
    cur = next as Record<Segment, unknown>;
  }
  cur[path[last]!] = value;
  return true;
}

/** Removes the value at a path (an array element is spliced out). Returns the removed value. */
export function deletePath(record: unknown, path: readonly Segment[]): unknown {
  const parent = getParent(record, path);
  if (parent === undefined) return undefined;
  const key = path[path.length - 1]!;
  const value = parent[key];
  if (Array.isArray(parent)) {
    if (typeof key === 'number' && key < parent.length) parent.splice(key, 1);
  } else if (Object.hasOwn(parent, key)) {
    delete parent[key];
  }
  return value;
}

/** Reads one path of a record: `getPath(record, path)` for the path it was made for. */
export type PathReader = (record: unknown) => unknown;
/** Writes one path of a record: `setPath(record, path, value)` for the path it was made for. */
export type PathWriter = (record: Record<string, unknown>, value: unknown) => boolean;

/** A segment as it is written in code: an index as a number, a key as a string literal. */
const literal = (s: Segment): string => (typeof s === 'number' ? String(s) : JSON.stringify(s));

/**
 * Makes {@link getPath} for one path, compiled once, for the per-record work of a plugin whose
 * options name fields. `getPath` reads `record[key]` at one place for every path of every step,
 * where V8 sees so many keys and records that it looks each one up; a reader made here reads its
 * own keys, which V8 reads straight from the record. Where the runtime makes no code from text
 * (`--disallow-code-generation-from-strings`), it calls `getPath`.
 */
export function pathReader(path: readonly Segment[]): PathReader {
  const fallback: PathReader = (record) => getPath(record, path);
  if (path.length === 0) return fallback;
  let body = 'let c = r;\n';
  for (const s of path) {
    body += `if (c === null || typeof c !== 'object') return undefined;\nc = c[${literal(s)}];\n`;
  }
  body += "return typeof c === 'function' ? undefined : c;";
  return compiled(['r'], body) ?? fallback;
}

/**
 * Makes {@link setPath} for one path, compiled once, as {@link pathReader} does for reading.
 * Where the runtime makes no code from text, it calls `setPath`.
 */
export function pathWriter(path: readonly Segment[]): PathWriter {
  const fallback: PathWriter = (record, value) => setPath(record, path, value);
  if (path.length === 0) return fallback;
  let body = 'let c = r;\nlet n;\n';
  for (let i = 0; i < path.length - 1; i++) {
    const key = literal(path[i]!);
    const made = typeof path[i + 1] === 'number' ? '[]' : '{}';
    body +=
      `n = c[${key}];\n` +
      `if (n === undefined || n === null) { n = ${made}; c[${key}] = n; }\n` +
      `else if (typeof n !== 'object') return false;\n` +
      'c = n;\n';
  }
  body += `c[${literal(path[path.length - 1]!)}] = v;\nreturn true;`;
  return compiled(['r', 'v'], body) ?? fallback;
}

function compiled<F>(params: string[], body: string): F | undefined {
  try {
    // Keys reach the code only as JSON string literals or as numbers.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the point: code per path
    return new Function(...params, `'use strict';\n${body}`) as F;
  } catch {
    return undefined;
  }
}
