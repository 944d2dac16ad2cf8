/**
 * `@tapline/core/condition`: the condition language of every config field that selects
 * records, as a CEL expression or a condition object (the processor's `filter`, the exporter's routes, `tapline test`'s `where`), in one
 * place so that a condition means the same wherever it is written.
 * @packageDocumentation
 */
export {
  COMBINATORS,
  OPERATORS,
  conditionRef,
  conditionSchema,
  type Condition,
  type ConditionObject,
} from './schema.js';
export {
  compileExpression,
  expressionProblem,
  expressionProblems,
  type Evaluate,
  type ExpressionProblem,
} from './expression.js';
export { EXPRESSION_LIMITS } from './expression-env.js';
export { EXPRESSION_FUNCTIONS, type ExpressionFunction } from './expression-functions.js';
export { conditionProblems, checkRegex } from './check.js';
export { compileCondition, jsonEqual, type Predicate } from './compile.js';
export { ajvRegExp, compileLinearRegex, regexProblem, type LinearRegex } from './linear-regex.js';
