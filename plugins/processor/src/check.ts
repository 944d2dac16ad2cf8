import { pathProblem } from '@tapline/core';
import type { Problem } from '@tapline/core';
import { COMBINATORS, OPERATORS } from './condition.js';
import type { Condition, ProcessorOptions } from './options.js';
import { regexProblem } from './linear-regex.js';
import { parseTemplate } from './template.js';
import { compileSchema } from './validate.js';

type Loose = Record<string, unknown>;

/**
 * What the options schema cannot say: patterns and schemas that do not compile, templates that
 * do not parse, a condition with no operator or two. Each problem has its JSON pointer under
 * the step's options. Never throws, whatever it is given.
 */
export function checkOptions(options: ProcessorOptions): Problem[] {
  const problems: Problem[] = [];
  const steps: unknown[] = Array.isArray(options?.steps) ? options.steps : [];
  steps.forEach((raw, i) => {
    if (raw === null || typeof raw !== 'object') return;
    checkStep(raw as Loose, `/steps/${i}`, problems);
  });
  return problems;
}

function checkPath(value: unknown, at: string, problems: Problem[]): void {
  if (typeof value !== 'string') return;
  const problem = pathProblem(value);
  if (problem !== undefined) problems.push({ path: at, message: problem });
}

function checkRegex(pattern: unknown, flags: unknown, at: string, problems: Problem[]): void {
  if (typeof pattern !== 'string') return;
  const problem = regexProblem(pattern, typeof flags === 'string' ? flags : '');
  if (problem !== undefined) problems.push({ path: at, message: problem });
}

function checkStep(step: Loose, at: string, problems: Problem[]): void {
  for (const key of ['field', 'from', 'to']) checkPath(step[key], `${at}/${key}`, problems);
  if (Array.isArray(step.fields)) step.fields.forEach((f, j) => checkPath(f, `${at}/fields/${j}`, problems));
  switch (step.type) {
    case 'set':
      if ('value' in step === (step.template !== undefined)) {
        problems.push({ path: at, message: 'a set step needs exactly one of "value" or "template"' });
      }
      if (typeof step.template === 'string') {
        try {
          parseTemplate(step.template);
        } catch (err) {
          problems.push({ path: `${at}/template`, message: (err as Error).message });
        }
      }
      return;
    case 'redact':
      checkRegex(step.pattern, step.flags, `${at}/pattern`, problems);
      if (step.flags !== undefined && step.pattern === undefined) {
        problems.push({ path: `${at}/flags`, message: '"flags" only applies with "pattern"' });
      }
      return;
    case 'filter':
      if (step.where !== null && typeof step.where === 'object')
        checkCondition(step.where as Loose, `${at}/where`, problems);
      return;
    case 'validate':
      if (step.schema !== null && typeof step.schema === 'object') {
        const compiled = compileSchema(step.schema);
        if (compiled instanceof Error) {
          problems.push({ path: `${at}/schema`, message: `not a usable JSON Schema: ${compiled.message}` });
        }
      }
      return;
  }
}

function checkCondition(c: Loose & Condition, at: string, problems: Problem[]): void {
  const combinators = COMBINATORS.filter((k) => c[k] !== undefined);
  const operators = OPERATORS.filter((k) => k in c);
  if (combinators.length > 0) {
    if (combinators.length > 1 || operators.length > 0 || c.field !== undefined) {
      problems.push({ path: at, message: 'a condition combines with one of "and", "or", "not", alone' });
    }
    for (const k of ['and', 'or'] as const) {
      const list = c[k];
      if (Array.isArray(list))
        list.forEach((sub, j) => sub && checkCondition(sub as Loose, `${at}/${k}/${j}`, problems));
    }
    if (c.not !== null && typeof c.not === 'object') checkCondition(c.not as Loose, `${at}/not`, problems);
    return;
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
      message: `a condition on "${c.field}" needs exactly one operator of ${OPERATORS.join(', ')} (found ${found})`,
    });
  }
  checkPath(c.field, `${at}/field`, problems);
  if (c.flags !== undefined && c.matches === undefined) {
    problems.push({ path: `${at}/flags`, message: '"flags" only applies with "matches"' });
  }
  checkRegex(c.matches, c.flags, `${at}/matches`, problems);
}
