/**
 * `@tapline/plugin-processor`: a declarative list of steps over records.
 * @packageDocumentation
 */
import { API_VERSION, definePlugin } from '@tapline/core';
import { checkOptions } from './check.js';
import { processorOptions } from './options.js';
import { ProcessorDomain } from './processor-domain.js';

export { ProcessorDomain } from './processor-domain.js';
export { checkOptions } from './check.js';
export {
  processorOptions,
  STEP_TYPES,
  type ProcessorOptions,
  type Condition,
  type Step,
  type StepType,
} from './options.js';

export default definePlugin({
  name: 'tapline:processor',
  apiVersion: API_VERSION,
  description:
    'Sets, renames, removes, picks, defaults, coerces and redacts fields; filters and validates records.',
  input: 'record',
  output: 'record',
  options: processorOptions,
  check: checkOptions,
  // A coerce op makes its field the type it names (a timestamp is an ISO 8601 string).
  fields: (options) => ({
    writes: Object.fromEntries(
      options.steps.flatMap((s) =>
        s.type === 'coerce' ? [[s.field, s.to === 'timestamp' ? 'string' : s.to] as const] : [],
      ),
    ),
  }),
  create: (options, ctx) => new ProcessorDomain(options, ctx),
});
