import { ConfigError, Type } from '@tapline/core';
import {
  compileCondition,
  conditionProblems,
  conditionRef,
  conditionSchema,
  type Condition,
} from '@tapline/core/condition';
import { validatePluginOptions } from '../config/plugin-options.js';
import type { CompileCondition } from './check-records.js';

/** A `where` as if it were a step's options: the schema and check a config's conditions get. */
const WHERE = {
  name: 'where',
  options: Type.Object(
    { where: conditionRef },
    { additionalProperties: false, $defs: { condition: conditionSchema } },
  ),
  check: (o: { where: Condition }) => conditionProblems(o.where, '/where'),
};

/**
 * Compiles `where` conditions in the condition language of the processor's `filter` and the
 * exporter's routes (`@tapline/core/condition`), validated as a config's would be: a condition
 * is written once and means the same in a config and in its tests.
 */
export const compileWhere: CompileCondition = (where) => {
  let options: { where: Condition };
  try {
    options = validatePluginOptions(WHERE, { where }, { step: 'where' });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const problems = err.problems.map((p) => `${p.path.replace(/^\/where/, '') || '/'}: ${p.message}`);
    return Promise.resolve(`"where" is not a condition: ${problems.join('; ')}`);
  }
  return Promise.resolve(compileCondition(options.where));
};
