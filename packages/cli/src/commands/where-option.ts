import { compileCondition, conditionProblems, type Condition } from '@tapline/core/condition';
import { UsageError } from '../command.js';

/**
 * `--where COND`: a CEL expression (`step == 'normalize' && payload.level == 'error'`) or a
 * condition object as JSON, as the config takes them, compiled once. A letter the expression
 * cannot be evaluated on (a field it lacks) is not selected.
 */
export function whereOption(raw: unknown): ((value: unknown) => boolean) | undefined {
  if (typeof raw !== 'string') return undefined;
  let condition: unknown = raw;
  if (raw.trimStart().startsWith('{')) {
    try {
      condition = JSON.parse(raw);
    } catch {
      throw new UsageError(`--where: ${raw} is neither a CEL expression nor a JSON condition object.`);
    }
  }
  const problems = conditionProblems(condition, '');
  if (problems.length > 0) throw new UsageError(`--where: ${problems.map((p) => p.message).join('; ')}.`);
  const predicate = compileCondition(condition as Condition);
  return (value) => {
    try {
      return predicate(value);
    } catch {
      return false;
    }
  };
}
