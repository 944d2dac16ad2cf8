import type { Problem } from '@tapline/core';
import { curveProblems } from '@tapline/core/curve';
import { conditionProblems } from '@tapline/core/condition';
import { connectionProblems } from '@tapline/plugin-nats/connection';
import type { ExporterOptions } from './options.js';
import { targetNames } from './routes.js';

/** Checks beyond the schema, each problem at its path in the options. */
export function checkOptions(options: ExporterOptions): Problem[] {
  const problems: Problem[] = [];
  const targets = Array.isArray(options?.targets) ? options.targets : [];
  targets.forEach((t, i) => {
    if (t.type === 'zmq') problems.push(...curveProblems(t.curve, `/targets/${i}/curve`));
    if (t.type === 'nats') problems.push(...connectionProblems(t, `/targets/${i}`));
    conditionProblems(t.where, `/targets/${i}/where`, problems);
  });
  const names = targetNames(targets);
  names.forEach((name, i) => {
    const first = names.indexOf(name);
    if (first !== i) {
      problems.push({
        path: `/targets/${i}/name`,
        message: `the name "${name}" is taken by target ${first}; give each target a name of its own`,
      });
    }
  });
  if (options?.unmatched !== undefined && !names.includes(options.unmatched)) {
    problems.push({
      path: '/unmatched',
      message: `no target is named "${options.unmatched}" (the targets: ${names.join(', ')})`,
    });
  }
  return problems;
}
