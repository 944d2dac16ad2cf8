import type { Problem } from '../errors.js';
import { pathProblem } from '../field-path.js';
import { expressionProblems } from './expression.js';
import { regexProblem } from './linear-regex.js';
import { COMBINATORS, OPERATORS } from './schema.js';

type Loose = Record<string, unknown>;

function checkPath(value: unknown, at: string, problems: Problem[]): void {
  if (typeof value !== 'string') return;
  const problem = pathProblem(value);
  if (problem !== undefined) problems.push({ path: at, message: problem });
}

/** Why a regular expression from a config cannot be used, as a problem at `at`. */
export function checkRegex(pattern: unknown, flags: unknown, at: string, problems: Problem[]): void {
  if (typeof pattern !== 'string') return;
  const problem = regexProblem(pattern, typeof flags === 'string' ? flags : '');
  if (problem !== undefined) problems.push({ path: at, message: problem });
}

/**
 * What the schema cannot say of a condition at JSON pointer `at`: an expression that does not
 * compile, no operator or two, a field path or pattern that does not compile. Appends to `problems`; never throws, whatever it is given.
 */
export function conditionProblems(condition: unknown, at: string, problems: Problem[] = []): Problem[] {
  if (typeof condition === 'string') return expressionProblems(condition, at, problems, 'bool');
  if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) return problems;
  const c = condition as Loose;
  const combinators = COMBINATORS.filter((k) => c[k] !== undefined);
  const operators = OPERATORS.filter((k) => k in c);
  if (combinators.length > 0) {
    if (combinators.length > 1 || operators.length > 0 || c.field !== undefined) {
      problems.push({ path: at, message: 'a condition combines with one of "and", "or", "not", alone' });
    }
    for (const k of ['and', 'or'] as const) {
      const list = c[k];
      if (Array.isArray(list)) list.forEach((sub, j) => conditionProblems(sub, `${at}/${k}/${j}`, problems));
    }
    conditionProblems(c.not, `${at}/not`, problems);
    return problems;
  }
  if (c.field === undefined) {
    problems.push({
      path: at,
      message: `a condition needs "field" and one operator (${OPERATORS.join(', ')}), or "and", "or", "not"`,
    });
  } else if (operators.length !== 1) {
    const found = operators.length === 0 ? 'none' : operators.join(', ');
    problems.push({
      path: at,
      message: `a condition on "${String(c.field)}" needs exactly one operator of ${OPERATORS.join(', ')} (found ${found})`,
    });
  }
  checkPath(c.field, `${at}/field`, problems);
  if (c.flags !== undefined && c.matches === undefined) {
    problems.push({ path: `${at}/flags`, message: '"flags" only applies with "matches"' });
  }
  checkRegex(c.matches, c.flags, `${at}/matches`, problems);
  return problems;
}
