import type { Node } from 'jsonc-parser';

/** A 1-based line and column in a file. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Splits a JSON pointer (`/pipeline/0/options`) into its unescaped segments. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '' || pointer === '/') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Appends one segment to a JSON pointer, escaped. */
export function childPointer(pointer: string, segment: string | number): string {
  return `${pointer}/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/**
 * The text of a config file with its syntax tree, so that any JSON pointer into the parsed value
 * can be reported with a line and column.
 */
export class ConfigSource {
  private readonly lineStarts: number[] = [0];

  constructor(
    /** Absolute path of the file. */
    readonly file: string,
    readonly text: string,
    /** The jsonc-parser tree of `text`; undefined when the text did not parse. */
    readonly tree: Node | undefined,
  ) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
  }

  /** The 1-based line and column of a character offset. */
  position(offset: number): Position {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo]! + 1 };
  }

  /**
   * Where the value at `pointer` is written. With `key`, where its property name is. A pointer
   * that goes past what the file holds (a default filled in) gives its deepest written ancestor.
   */
  locate(pointer: string, key = false, inString?: number): Position | undefined {
    let node = this.tree;
    if (node === undefined) return undefined;
    let keyNode: Node | undefined;
    for (const segment of parsePointer(pointer)) {
      const next = childNode(node, segment);
      if (next === undefined) {
        keyNode = undefined;
        break;
      }
      keyNode = next.key;
      node = next.value;
    }
    const at = key && keyNode !== undefined ? keyNode : node;
    if (inString !== undefined && !key && at.type === 'string') {
      return this.position(rawOffset(this.text, at.offset, at.length, inString));
    }
    return this.position(at.offset);
  }
}

function childNode(node: Node, segment: string): { key?: Node; value: Node } | undefined {
  if (node.type === 'object') {
    for (const property of node.children ?? []) {
      const [key, value] = property.children ?? [];
      if (key?.value === segment && value !== undefined) return { key, value };
    }
    return undefined;
  }
  if (node.type === 'array' && /^\d+$/.test(segment)) {
    const value = node.children?.[Number(segment)];
    return value === undefined ? undefined : { value };
  }
  return undefined;
}

/**
 * Where the character at `index` of a string's value is written in the file: past the opening
 * quote, counting each escape (a backslash escape, YAML's `''`) as the characters it takes in
 * the text. A plain (unquoted) scalar is its value as written.
 */
function rawOffset(text: string, start: number, length: number, index: number): number {
  const quote = text[start];
  if (quote !== '"' && quote !== "'") return start + index;
  let at = start + 1;
  const end = start + length;
  for (let i = 0; i < index && at < end; i++) {
    if (quote === '"' && text[at] === '\\') at += text[at + 1] === 'u' ? 6 : 2;
    else if (quote === "'" && text[at] === "'" && text[at + 1] === "'") at += 2;
    else at += 1;
  }
  return at;
}
