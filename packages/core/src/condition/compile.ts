import { parsePath, pathReader, type PathReader } from '../field-path.js';
import { ExpressionError } from '../errors.js';
import { compileExpression } from './expression.js';
import { compileLinearRegex } from './linear-regex.js';
import type { Condition, ConditionObject } from './schema.js';

/** A compiled condition: reads a record, allocates nothing. */
export type Predicate = (record: unknown) => boolean;

/**
 * Compiles a condition `conditionProblems` has accepted: a CEL expression, or an object of one
 * operator or one combinator. A CEL condition that fails on a record, or gives something other
 * than true or false, throws ExpressionError.
 */
export function compileCondition(c: Condition): Predicate {
  if (typeof c === 'string') return compileExpressionCondition(c);
  if (c.and !== undefined) {
    const all = c.and.map(compileCondition);
    return (r) => {
      for (let i = 0; i < all.length; i++) if (!all[i]!(r)) return false;
      return true;
    };
  }
  if (c.or !== undefined) {
    const any = c.or.map(compileCondition);
    return (r) => {
      for (let i = 0; i < any.length; i++) if (any[i]!(r)) return true;
      return false;
    };
  }
  if (c.not !== undefined) {
    const inner = compileCondition(c.not);
    return (r) => !inner(r);
  }
  return compileLeaf(pathReader(parsePath(c.field!)), c);
}

function compileExpressionCondition(source: string): Predicate {
  const evaluate = compileExpression(source);
  return (r) => {
    const v = evaluate(r);
    if (v === true || v === false) return v;
    throw new ExpressionError(
      source,
      `a condition must give true or false, not ${v === null ? 'null' : typeof v}`,
    );
  };
}

function compileLeaf(read: PathReader, c: ConditionObject): Predicate {
  if ('eq' in c) {
    const want = c.eq;
    return (r) => jsonEqual(read(r), want);
  }
  if ('ne' in c) {
    const want = c.ne;
    return (r) => !jsonEqual(read(r), want);
  }
  if (c.in !== undefined) {
    const primitives = new Set(c.in.filter((v) => v === null || typeof v !== 'object'));
    const objects = c.in.filter((v) => v !== null && typeof v === 'object');
    return (r) => {
      const v = read(r);
      if (v === undefined) return false;
      if (v === null || typeof v !== 'object') return primitives.has(v);
      for (let i = 0; i < objects.length; i++) if (jsonEqual(v, objects[i])) return true;
      return false;
    };
  }
  if (c.exists !== undefined) {
    const want = c.exists;
    return (r) => {
      const v = read(r);
      return (v !== undefined && v !== null) === want;
    };
  }
  if (c.matches !== undefined) {
    const re = compileLinearRegex(c.matches, c.flags);
    return (r) => {
      const v = read(r);
      return typeof v === 'string' && re.test(v);
    };
  }
  return compileComparison(read, c);
}

function compileComparison(field: PathReader, c: ConditionObject): Predicate {
  // A number is compared with a number and a string with a string; other pairs never match.
  // (Typed as number for the compiler; `<` on two strings compares them as strings.)
  const bound = (c.gt ?? c.gte ?? c.lt ?? c.lte) as number;
  const kind = typeof bound;
  const read = (r: unknown): number | undefined => {
    const v = field(r);
    return typeof v === kind ? (v as number) : undefined;
  };
  if (c.gt !== undefined) {
    return (r) => {
      const v = read(r);
      return v !== undefined && v > bound;
    };
  }
  if (c.gte !== undefined) {
    return (r) => {
      const v = read(r);
      return v !== undefined && v >= bound;
    };
  }
  if (c.lt !== undefined) {
    return (r) => {
      const v = read(r);
      return v !== undefined && v < bound;
    };
  }
  return (r) => {
    const v = read(r);
    return v !== undefined && v <= bound;
  };
}

/** Equality of JSON values: primitives by value, arrays and objects by content. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    if (
      !Object.hasOwn(b, k) ||
      !jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
    )
      return false;
  }
  return true;
}
