import type { ASTNode } from '@marcbachmann/cel-js';

/** What a fast closure gives when the record is not a case it knows: CEL's interpreter decides. */
export const UNDECIDED: unique symbol = Symbol('undecided');

type Fast = (record: Record<string, unknown>) => unknown;

/** A compiled node, and whether it is an integer literal (CEL's int arithmetic is not JS's). */
interface Compiled {
  readonly fn: Fast;
  readonly int: boolean;
}

type Node = { op: string; args: unknown };

/**
 * The common shapes of a record expression (fields, literals, comparisons, `&&`, `||`, `!`,
 * `? :`, `+ - * /` on numbers and `+` on strings) as plain closures, so that a filter or a
 * computed field costs about what its JSON form does. Each closure answers only for values of
 * the types it knows (a field that is there, numbers with numbers, strings with strings) and
 * otherwise gives {@link UNDECIDED}, so that the interpreter evaluates that record: what CEL
 * says about a missing field, a type mismatch or an error inside `&&` stays CEL's. Undefined
 * when the expression uses anything else (calls, macros, lists, indexes): it is interpreted.
 */
export function compileFast(ast: ASTNode): Fast | undefined {
  const compiled = compile(ast);
  return compiled === undefined || compiled.int ? undefined : compiled.fn;
}

function compile(node: Node): Compiled | undefined {
  switch (node.op) {
    case 'id':
      return field((r) => r, node.args as string);
    case '.': {
      const [object, name] = node.args as [Node, string];
      const inner = compile(object);
      return inner === undefined ? undefined : field(inner.fn, name);
    }
    case 'value':
      return literal(node.args);
    case '&&':
    case '||':
      return logical(node.op, node.args as [Node, Node]);
    case '!_': {
      const inner = compile(node.args as Node);
      if (inner === undefined || inner.int) return undefined;
      const f = inner.fn;
      return any((r) => {
        const v = f(r);
        return typeof v === 'boolean' ? !v : UNDECIDED;
      });
    }
    case '-_': {
      const inner = compile(node.args as Node);
      if (inner === undefined) return undefined;
      if (inner.int) return literal(-(inner.fn({}) as number), true);
      const f = inner.fn;
      return any((r) => {
        const v = f(r);
        return typeof v === 'number' ? -v : UNDECIDED;
      });
    }
    case '?:': {
      const parts = (node.args as Node[]).map(compile);
      if (parts.some((p) => p === undefined || p.int)) return undefined;
      const [test, yes, no] = parts.map((p) => p!.fn) as [Fast, Fast, Fast];
      return any((r) => {
        const t = test(r);
        return t === true ? yes(r) : t === false ? no(r) : UNDECIDED;
      });
    }
    default:
      return binary(node.op, node.args as [Node, Node]);
  }
}

const any = (fn: Fast): Compiled => ({ fn, int: false });

// A field named like an Object.prototype member would read the prototype: left to the interpreter.
const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype));

function field(of: Fast, name: string): Compiled | undefined {
  if (typeof name !== 'string' || INHERITED.has(name)) return undefined;
  return any((r) => {
    const o = of(r);
    if (o === null || typeof o !== 'object' || Array.isArray(o)) return UNDECIDED;
    const v = (o as Record<string, unknown>)[name];
    return v === undefined ? UNDECIDED : v;
  });
}

function literal(value: unknown, isInt = false): Compiled | undefined {
  if (typeof value === 'bigint') {
    // Exactly representable integers only; an int is a double's equal in comparisons and mixed arithmetic.
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) return undefined;
    const n = Number(value);
    return { fn: () => n, int: true };
  }
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') {
    return { fn: () => value, int: isInt };
  }
  return undefined;
}

function logical(op: '&&' | '||', args: [Node, Node]): Compiled | undefined {
  const [left, right] = args.map(compile);
  if (left === undefined || right === undefined || left.int || right.int) return undefined;
  const l = left.fn;
  const rt = right.fn;
  const short = op === '||';
  return any((r) => {
    const a = l(r);
    if (a === short) return short;
    if (a !== !short) return UNDECIDED;
    const b = rt(r);
    return typeof b === 'boolean' ? b : UNDECIDED;
  });
}

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};
const ARITHMETIC: Record<string, (a: number, b: number) => number> = {
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
};

function binary(op: string, args: [Node, Node]): Compiled | undefined {
  if (!Array.isArray(args) || args.length !== 2) return undefined;
  const [left, right] = args.map(compile);
  if (left === undefined || right === undefined) return undefined;
  // Two integer literals follow CEL's int rules (7 / 2 is 3): the interpreter keeps them.
  if (left.int && right.int) return undefined;
  const l = left.fn;
  const rt = right.fn;
  if (op === '==' || op === '!=') {
    const equal = op === '==';
    return any((r) => {
      const a = l(r);
      const b = rt(r);
      const t = typeof a;
      if (t !== typeof b || (t !== 'string' && t !== 'number' && t !== 'boolean')) return UNDECIDED;
      return (a === b) === equal;
    });
  }
  const compare = COMPARE[op];
  if (compare !== undefined) {
    return any((r) => {
      const a = l(r);
      const b = rt(r);
      // Strings compare by code point in CEL, by UTF-16 unit in JS: only numbers here.
      return typeof a === 'number' && typeof b === 'number' ? compare(a, b) : UNDECIDED;
    });
  }
  if (op === '+') {
    return any((r) => {
      const a = l(r);
      const b = rt(r);
      if (typeof a === 'number' && typeof b === 'number') return a + b;
      return typeof a === 'string' && typeof b === 'string' ? a + b : UNDECIDED;
    });
  }
  const arithmetic = ARITHMETIC[op];
  if (arithmetic !== undefined) {
    return any((r) => {
      const a = l(r);
      const b = rt(r);
      return typeof a === 'number' && typeof b === 'number' ? arithmetic(a, b) : UNDECIDED;
    });
  }
  return undefined;
}
