import { curveProblems, type Problem } from '@tapline/core';
import type { ExporterOptions } from './options.js';

/** Checks beyond the schema, each problem at its path in the options. */
export function checkOptions(options: ExporterOptions): Problem[] {
  return options.targets.flatMap((t, i) =>
    t.type === 'zmq' ? curveProblems(t.curve, `/targets/${i}/curve`) : [],
  );
}
