import { Type, type Static, PATH_PATTERN } from '@tapline/core';
import { conditionRef, conditionSchema } from '@tapline/core/condition';

const Path = (description: string) => Type.String({ minLength: 1, pattern: PATH_PATTERN, description });
const Paths = (description: string) => Type.Array(Path(description), { minItems: 1 });

const step = <T extends string, P extends Parameters<typeof Type.Object>[0]>(type: T, props: P) =>
  Type.Object({ type: Type.Literal(type), ...props }, { additionalProperties: false });

/** One schema per step type; `type` selects which applies. */
export const STEP_SCHEMAS = {
  set: step('set', {
    field: Path('the field to set'),
    value: Type.Optional(Type.Unknown({ description: 'a literal JSON value' })),
    template: Type.Optional(Type.String({ description: 'text with {field.path} placeholders' })),
    expr: Type.Optional(
      Type.String({ minLength: 1, description: 'a CEL expression computed from the record' }),
    ),
  }),
  rename: step('rename', { from: Path('the field to move'), to: Path('where it goes') }),
  remove: step('remove', { fields: Paths('a field to remove') }),
  pick: step('pick', { fields: Paths('a field to keep') }),
  default: step('default', {
    field: Path('the field to fill when missing or null'),
    value: Type.Unknown({ description: 'the value to fill it with' }),
  }),
  coerce: step('coerce', {
    field: Path('the field to convert'),
    to: Type.Union([
      Type.Literal('number'),
      Type.Literal('string'),
      Type.Literal('boolean'),
      Type.Literal('timestamp'),
    ]),
    unit: Type.Optional(
      Type.Union([Type.Literal('auto'), Type.Literal('ms'), Type.Literal('s')], {
        default: 'auto',
        description: 'for timestamp: the unit of numeric epochs (auto: below 1e11 means seconds)',
      }),
    ),
  }),
  redact: step('redact', {
    fields: Paths('a field to redact'),
    replacement: Type.String({ default: '[REDACTED]' }),
    pattern: Type.Optional(Type.String({ description: 'redact only matches within string values' })),
    flags: Type.Optional(Type.String({ pattern: '^[imsu]*$' })),
  }),
  filter: step('filter', {
    where: conditionRef,
  }),
  validate: step('validate', {
    schema: Type.Record(Type.String(), Type.Unknown(), { description: 'an inline JSON Schema' }),
  }),
};

export type StepType = keyof typeof STEP_SCHEMAS;
export type Step = { [K in StepType]: Static<(typeof STEP_SCHEMAS)[K]> }[StepType];
export const STEP_TYPES = Object.keys(STEP_SCHEMAS) as StepType[];

// A plain union would make ajv report every branch's errors for one bad step; selecting the
// branch with if/then reports only the errors of the step type that was meant.
const stepSchema = Type.Unsafe<Step>({
  type: 'object',
  required: ['type'],
  properties: { type: { type: 'string', enum: STEP_TYPES } },
  allOf: STEP_TYPES.map((t) => ({
    if: { type: 'object', required: ['type'], properties: { type: { const: t } } },
    then: STEP_SCHEMAS[t],
  })),
});

export const processorOptions = Type.Object(
  {
    steps: Type.Array(stepSchema, {
      default: [],
      description: 'applied in order to every record; empty passes records through',
    }),
  },
  { additionalProperties: false, $defs: { condition: conditionSchema } },
);

export type { Condition } from '@tapline/core/condition';
export type ProcessorOptions = Static<typeof processorOptions>;
