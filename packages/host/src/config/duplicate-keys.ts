import type { Problem } from '@tapline/core';
import type { Node } from 'jsonc-parser';
import { childPointer, type ConfigSource } from './config-source.js';

/**
 * Every key written twice in one object, as a problem at the later one naming both positions.
 * JSON.parse keeps the last silently, so a second `"pipeline"` would replace the first unseen.
 */
export function duplicateKeyProblems(source: ConfigSource): Problem[] {
  const problems: Problem[] = [];
  if (source.tree !== undefined) visit(source.tree, '', source, problems);
  return problems;
}

function visit(node: Node, pointer: string, source: ConfigSource, problems: Problem[]): void {
  if (node.type === 'array') {
    node.children?.forEach((child, i) => visit(child, childPointer(pointer, i), source, problems));
    return;
  }
  if (node.type !== 'object') return;
  const first = new Map<string, Node>();
  for (const property of node.children ?? []) {
    const [key, value] = property.children ?? [];
    if (key === undefined || typeof key.value !== 'string') continue;
    const at = childPointer(pointer, key.value);
    const earlier = first.get(key.value);
    if (earlier === undefined) first.set(key.value, key);
    else {
      const was = source.position(earlier.offset);
      const is = source.position(key.offset);
      problems.push({
        path: at,
        message:
          `duplicate key "${key.value}" at line ${is.line}, column ${is.column} and line ${was.line}, ` +
          `column ${was.column}: only the last one would count, so remove or rename one of them`,
        ...is,
      });
    }
    if (value !== undefined) visit(value, at, source, problems);
  }
}
