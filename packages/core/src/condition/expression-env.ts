import { Environment } from '@marcbachmann/cel-js';
import { EXPRESSION_FUNCTIONS } from './expression-functions.js';

/**
 * The bounds every expression is held to when it is compiled, so that its cost is known before
 * a record flows: CEL has no loops, and these keep its size, and so the work per record, small.
 */
export const EXPRESSION_LIMITS = {
  maxLength: 4096,
  maxAstNodes: 1000,
  maxDepth: 32,
  maxListElements: 256,
  maxMapEntries: 256,
  maxCallArguments: 8,
} as const;

let shared: Environment | undefined;

/**
 * One CEL environment for every expression: a record's top-level fields are its variables (of
 * type `dyn`, since records carry no schema), Tapline's functions are added, and arithmetic
 * mixes JSON's numbers (doubles) with integer literals, so `latencyMs / 1000` works as
 * `latencyMs / 1000.0` does.
 */
export function expressionEnvironment(): Environment {
  if (shared !== undefined) return shared;
  const { maxLength: _, ...limits } = EXPRESSION_LIMITS;
  const env = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false, limits });
  for (const f of EXPRESSION_FUNCTIONS) env.registerFunction(f.signature, f.handler as never);
  for (const op of ['+', '-', '*', '/'] as const) {
    const apply = ARITHMETIC[op];
    env.registerOperator(`double ${op} int: double`, (a: number, b: bigint) => apply(a, Number(b)));
    env.registerOperator(`int ${op} double: double`, (a: bigint, b: number) => apply(Number(a), b));
  }
  shared = env;
  return env;
}

const ARITHMETIC = {
  '+': (a: number, b: number) => a + b,
  '-': (a: number, b: number) => a - b,
  '*': (a: number, b: number) => a * b,
  '/': (a: number, b: number) => a / b,
};
