import { ConfigError, type Problem } from '@tapline/core';
import type { Node } from 'jsonc-parser';
import { getNodeValue } from 'jsonc-parser';
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { ConfigSource } from './config-source.js';

/**
 * Parses a YAML config or test file (YAML 1.2, core schema) into the same syntax tree the JSON
 * parser gives, so that positions, duplicate keys and every later check work alike. Throws
 * ConfigError TAPLINE_ERR_CONFIG_PARSE with one problem per position.
 */
export function parseYamlText(file: string, text: string): { value: unknown; source: ConfigSource } {
  // uniqueKeys off: a duplicate key is reported by the shared check, with both positions.
  const doc = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
  const plain = new ConfigSource(file, text, undefined);
  if (doc.errors.length > 0) {
    const seen = new Set<number>();
    const problems: Problem[] = [];
    for (const e of doc.errors) {
      if (seen.has(e.pos[0])) continue;
      seen.add(e.pos[0]);
      problems.push({ path: '', message: firstLine(e.message), ...plain.position(e.pos[0]) });
    }
    throw new ConfigError('TAPLINE_ERR_CONFIG_PARSE', file, problems.slice(0, 5));
  }
  if (doc.contents === null) {
    throw new ConfigError('TAPLINE_ERR_CONFIG_PARSE', file, [
      { path: '', message: 'the file is empty', line: 1, column: 1 },
    ]);
  }
  const tree = toNode(doc.contents, doc, undefined);
  return { value: getNodeValue(tree), source: new ConfigSource(file, text, tree) };
}

/** The yaml library's message repeats the source line under it; the position says as much. */
function firstLine(message: string): string {
  const i = message.indexOf('\n');
  return (i === -1 ? message : message.slice(0, i)).replace(/ at line \d+, column \d+:?$/, '');
}

function toNode(node: unknown, doc: Document, parent: Node | undefined): Node {
  const resolved = isAlias(node) ? node.resolve(doc) : node;
  const range = (resolved as { range?: [number, number, number] } | null)?.range ?? [0, 0, 0];
  const at = { offset: range[0], length: range[1] - range[0], parent };
  if (isMap(resolved)) {
    const out: Node = { type: 'object', ...at, children: [] };
    for (const pair of resolved.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? pair.key : undefined;
      const keyRange = key?.range ?? range;
      const property: Node = { type: 'property', offset: keyRange[0], length: 0, parent: out, children: [] };
      const keyNode: Node = {
        type: 'string',
        offset: keyRange[0],
        length: keyRange[1] - keyRange[0],
        parent: property,
        value: String(key?.value ?? ''),
      };
      property.children!.push(keyNode, toNode(pair.value, doc, property));
      out.children!.push(property);
    }
    return out;
  }
  if (isSeq(resolved)) {
    const out: Node = { type: 'array', ...at, children: [] };
    for (const item of resolved.items) out.children!.push(toNode(item, doc, out));
    return out;
  }
  const value: unknown = isScalar(resolved) ? resolved.value : null;
  if (value === null || value === undefined) return { type: 'null', ...at, value: null };
  if (typeof value === 'string') return { type: 'string', ...at, value };
  if (typeof value === 'number') return { type: 'number', ...at, value };
  if (typeof value === 'boolean') return { type: 'boolean', ...at, value };
  // A tag the core schema leaves as something else (a binary, a date): keep its text.
  return { type: 'string', ...at, value: String(value) };
}
