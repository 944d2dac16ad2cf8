/**
 * `@tapline/core/condition`: the condition language of every config field that selects
 * records (the processor's `filter`, the exporter's routes, `tapline test`'s `where`), in one
 * place so that a condition means the same wherever it is written.
 * @packageDocumentation
 */
export { COMBINATORS, OPERATORS, conditionRef, conditionSchema, type Condition } from './schema.js';
export { conditionProblems, checkRegex } from './check.js';
export { compileCondition, jsonEqual, type Predicate } from './compile.js';
export { ajvRegExp, compileLinearRegex, regexProblem, type LinearRegex } from './linear-regex.js';
