import { pathProblem } from '@tapline/core';
import type { Problem } from '@tapline/core';
import { checkRegex, conditionProblems, expressionProblems } from '@tapline/core/condition';
import type { ProcessorOptions } from './options.js';
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

function checkStep(step: Loose, at: string, problems: Problem[]): void {
  for (const key of ['field', 'from', 'to']) checkPath(step[key], `${at}/${key}`, problems);
  if (Array.isArray(step.fields)) step.fields.forEach((f, j) => checkPath(f, `${at}/fields/${j}`, problems));
  switch (step.type) {
    case 'set':
      // `value` may be given as null, so its key counts, not its value.
      if (
        Number('value' in step) + Number(step.template !== undefined) + Number(step.expr !== undefined) !==
        1
      ) {
        problems.push({ path: at, message: 'a set step needs exactly one of "value", "template" or "expr"' });
      }
      if (typeof step.expr === 'string') expressionProblems(step.expr, `${at}/expr`, problems);
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
      conditionProblems(step.where, `${at}/where`, problems);
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
