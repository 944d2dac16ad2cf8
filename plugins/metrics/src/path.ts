/** A field path split once: keys, and numbers for array indexes. */
export type Segment = string | number;

/** Splits `a.b[0].c` or `a.b.0.c`; the path has passed the options schema's pattern. */
export function parsePath(path: string): Segment[] {
  const segments: Segment[] = [];
  for (const part of path.split('.')) {
    const open = part.indexOf('[');
    const head = open === -1 ? part : part.slice(0, open);
    if (head !== '') segments.push(/^[0-9]+$/.test(head) ? Number(head) : head);
    if (open !== -1) for (const m of part.slice(open).matchAll(/\[([0-9]+)\]/g)) segments.push(Number(m[1]));
  }
  return segments;
}

/** The value at a path, or undefined when a part of it is missing. */
export function getPath(record: unknown, path: readonly Segment[]): unknown {
  let cur: unknown = record;
  for (let i = 0; i < path.length; i++) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<Segment, unknown>)[path[i]!];
  }
  // JSON has no functions: a function here is an inherited member such as `toString`.
  return typeof cur === 'function' ? undefined : cur;
}
