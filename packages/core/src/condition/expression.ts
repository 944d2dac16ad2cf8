import type { ASTNode, ParseResult } from '@marcbachmann/cel-js';
import { ExpressionError, type Problem } from '../errors.js';
import { EXPRESSION_LIMITS, expressionEnvironment } from './expression-env.js';
import { UNDECIDED, compileFast } from './expression-fast.js';
import { regexProblem } from './linear-regex.js';

/** A compiled CEL expression: evaluates on a record, throws ExpressionError when it cannot. */
export type Evaluate = (record: unknown) => unknown;

/** Why an expression cannot be used, and where in it (0-based offset into the source). */
export interface ExpressionProblem {
  readonly message: string;
  readonly offset: number;
}

// Comprehension macros: one inside another costs the product of two list sizes.
const MACROS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);
const PATTERN_ARGUMENT: Readonly<Record<string, number>> = { matches: 1, extract: 1 };

function parseOrProblem(source: string): ParseResult | ExpressionProblem {
  if (source.length > EXPRESSION_LIMITS.maxLength) {
    return { message: `longer than ${EXPRESSION_LIMITS.maxLength} characters`, offset: 0 };
  }
  const env = expressionEnvironment();
  try {
    return env.parse(source);
  } catch (err) {
    return problemOf(err);
  }
}

function problemOf(err: unknown): ExpressionProblem {
  const e = err as { summary?: string; message?: string; range?: { start: number } };
  const summary = e.summary ?? String(e.message).split('\n')[0]!;
  return {
    message: summary.replace(/^Exceeded (\w+) \((\d+)\)$/, 'too large: exceeds $1 ($2)'),
    offset: e.range?.start ?? 0,
  };
}

/**
 * What is wrong with an expression, or undefined: a syntax error, an unknown function or a
 * type mismatch, a size beyond {@link EXPRESSION_LIMITS}, a macro inside a macro, a pattern RE2
 * refuses. `want: 'bool'` also refuses an expression that cannot give true or false.
 */
export function expressionProblem(source: string, want?: 'bool'): ExpressionProblem | undefined {
  const parsed = parseOrProblem(source);
  if (!('ast' in parsed)) return parsed;
  const checked = parsed.check();
  if (!checked.valid) return problemOf(checked.error);
  const found = astProblem(parsed.ast, false);
  if (found !== undefined) return found;
  if (want === 'bool' && checked.type !== 'bool' && checked.type !== 'dyn') {
    return { message: `a condition must give true or false; this gives ${checked.type}`, offset: 0 };
  }
  return undefined;
}

function astProblem(node: ASTNode, inMacro: boolean): ExpressionProblem | undefined {
  if (node === null || typeof node !== 'object' || !('op' in node)) return undefined;
  const n = node as unknown as { op: string; args: unknown; start: number };
  if (n.op === 'rcall' || n.op === 'call') {
    const args = n.args as [string, ...unknown[]];
    const name = args[0];
    const list = (n.op === 'rcall' ? args[2] : args[1]) as ASTNode[];
    if (n.op === 'rcall' && name === 'matches') {
      return {
        message: 'write matches(text, pattern): patterns run on RE2, in time linear in the text',
        offset: n.start,
      };
    }
    const isMacro = n.op === 'rcall' && MACROS.has(name);
    if (isMacro && inMacro) {
      return {
        message: `"${name}" inside another macro costs the product of two list sizes`,
        offset: n.start,
      };
    }
    const at = n.op === 'call' ? PATTERN_ARGUMENT[name] : undefined;
    const literal = at === undefined ? undefined : (list[at] as unknown as { op: string; args: unknown });
    if (literal?.op === 'value' && typeof literal.args === 'string') {
      const problem = regexProblem(literal.args);
      if (problem !== undefined)
        return { message: problem, offset: (list[at!] as unknown as { start: number }).start };
    }
    if (n.op === 'rcall') {
      const found = astProblem(args[1] as ASTNode, inMacro);
      if (found !== undefined) return found;
    }
    for (const arg of list) {
      const found = astProblem(arg, inMacro || isMacro);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const children = Array.isArray(n.args) ? (n.args as unknown[]).flat() : [];
  for (const child of children) {
    const found = astProblem(child as ASTNode, inMacro);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Appends the problem of `source` at JSON pointer `at`, with `offset` (where in the string it
 * is) and the expression with a caret under that place in the message.
 */
export function expressionProblems(
  source: string,
  at: string,
  problems: Problem[],
  want?: 'bool',
): Problem[] {
  const p = expressionProblem(source, want);
  if (p !== undefined) problems.push({ path: at, message: withCaret(source, p), offset: p.offset });
  return problems;
}

function withCaret(source: string, p: ExpressionProblem): string {
  const lineStart = source.lastIndexOf('\n', p.offset - 1) + 1;
  const lineEnd = source.indexOf('\n', p.offset);
  let line = source.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
  let column = p.offset - lineStart;
  // A long expression is shown around the place, so the caret stays on the screen.
  if (line.length > 80) {
    const from = Math.max(0, column - 40);
    line = `${from > 0 ? '…' : ''}${line.slice(from, from + 80)}${from + 80 < line.length ? '…' : ''}`;
    column = column - from + (from > 0 ? 1 : 0);
  }
  return `${p.message} (at column ${column + 1} of the expression)\n      ${line}\n      ${' '.repeat(column)}^`;
}

/** Compiles an expression {@link expressionProblem} accepts; evaluation failures throw ExpressionError. */
export function compileExpression(source: string): Evaluate {
  const parsed = parseOrProblem(source);
  if (!('ast' in parsed)) throw new ExpressionError(source, parsed.message);
  const checked = parsed.check();
  if (!checked.valid) throw new ExpressionError(source, problemOf(checked.error).message);
  const roots = hasRoots(parsed.ast, new Set<string>());
  if (roots.size > 0) return evaluateWithAbsentRoots(source, parsed, roots);
  const interpret: Evaluate = (record) => {
    try {
      return parsed(record as Record<string, unknown>) as unknown;
    } catch (err) {
      throw new ExpressionError(source, problemOf(err).message, err);
    }
  };
  const fast = compileFast(parsed.ast);
  if (fast === undefined) return interpret;
  return (record) => {
    if (record !== null && typeof record === 'object' && !Array.isArray(record)) {
      const v = fast(record as Record<string, unknown>);
      if (v !== UNDECIDED) return v;
    }
    return interpret(record);
  };
}

// The top-level fields that has() tests: `has(user.email)` names `user`.
function hasRoots(node: ASTNode, roots: Set<string>): Set<string> {
  if (node === null || typeof node !== 'object' || !('op' in node)) return roots;
  const n = node as unknown as { op: string; args: unknown };
  if (n.op === 'call' && (n.args as unknown[])[0] === 'has') {
    let arg = ((n.args as unknown[])[1] as unknown[])[0] as { op: string; args: unknown[] | string };
    while (arg?.op === '.' || arg?.op === '.?') arg = (arg.args as unknown[])[0] as typeof arg;
    if (arg?.op === 'id' && typeof arg.args === 'string') roots.add(arg.args);
  }
  if (Array.isArray(n.args)) for (const child of n.args.flat()) hasRoots(child as ASTNode, roots);
  return roots;
}

const ABSENT: Record<string, unknown> = Object.freeze({});

/**
 * CEL's has() needs the first field of its path to exist: on a record, `has(user.email)` with no
 * `user` would fail. The record is read through one reused scope that gives an empty map for
 * such a field instead, so has() says false; the scope is reused, so no record allocates.
 */
function evaluateWithAbsentRoots(source: string, parsed: ParseResult, roots: Set<string>): Evaluate {
  class Scope extends Map<string, unknown> {
    record: Record<string, unknown> = ABSENT;
    override get(key: string): unknown {
      const v = this.record[key];
      return v === undefined && roots.has(key) ? ABSENT : v;
    }
  }
  const scope = new Scope();
  return (record) => {
    scope.record = record as Record<string, unknown>;
    try {
      return parsed(scope) as unknown;
    } catch (err) {
      throw new ExpressionError(source, problemOf(err).message, err);
    } finally {
      // Not kept past its evaluation.
      scope.record = ABSENT;
    }
  };
}
