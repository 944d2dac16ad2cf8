import { Type, type Static } from '@tapline/core';

const StepId = (description: string) => Type.String({ minLength: 1, description });
const AnyObject = (description: string) => Type.Object({}, { additionalProperties: true, description });

/** One message fed to the pipeline: a record after the source, or a raw frame the source decodes. */
export const TestInput = Type.Object(
  {
    record: Type.Optional(
      Type.Unknown({
        description: 'A record (any JSON value) handed to the first step after the source, as if decoded.',
      }),
    ),
    frame: Type.Optional(
      Type.String({ description: "A raw frame as UTF-8 text, decoded by the source's own execute." }),
    ),
    frameBase64: Type.Optional(
      Type.String({
        contentEncoding: 'base64',
        description: "A raw frame as base64 (binary or invalid UTF-8), decoded by the source's own execute.",
      }),
    ),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    maxProperties: 1,
    description: 'Exactly one of record, frame or frameBase64.',
  },
);

export const DropExpectation = Type.Object(
  {
    step: Type.Optional(StepId('The step that dropped it.')),
    record: Type.Optional(AnyObject('Fields of the record the dropping step received (a subset).')),
  },
  { additionalProperties: false },
);

export const FailExpectation = Type.Object(
  {
    step: Type.Optional(StepId('The step that failed it.')),
    errorType: Type.Optional(Type.String({ description: 'The error code or class: TAPLINE_ERR_DECODE.' })),
    message: Type.Optional(Type.String({ description: "A regular expression the error's message matches." })),
    deadLetter: Type.Optional(
      AnyObject('Fields of the dead-letter line (step, source, errorType, message, payload…), a subset.'),
    ),
  },
  { additionalProperties: false },
);

export const MetricExpectation = Type.Object(
  {
    name: Type.String({
      minLength: 1,
      description: 'A metric in the registry, or a histogram sample (name_bucket, name_sum, name_count).',
    }),
    labels: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        description: 'Samples whose labels include these; their values are summed. Absent: every sample.',
      }),
    ),
    value: Type.Number({ description: 'The expected value after every input was handled.' }),
  },
  { additionalProperties: false },
);

/** What one step emitted, or (without `step`) what came out of the end of the steps under test. */
export const Expectation = Type.Object(
  {
    step: Type.Optional(
      StepId('The step whose output is checked; absent: the end (what the exporter wrote).'),
    ),
    target: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          "An exporter target, by name: the records are those its route sent there (with step absent, of the last step's exporter).",
      }),
    ),
    records: Type.Optional(Type.Array(Type.Unknown(), { description: 'Exactly these records, in order.' })),
    contains: Type.Optional(
      Type.Array(AnyObject('Fields some record has (a subset match).'), {
        description: 'Each entry matches at least one record.',
      }),
    ),
    where: Type.Optional(
      Type.Union(
        [Type.String({ minLength: 1 }), AnyObject('A condition object: { field, eq }, { and: [...] }…')],
        {
          description:
            "A condition every record matches, as in the processor's filter and the exporter's routes: a CEL expression (\"level != 'debug'\") or a condition object.",
        },
      ),
    ),
    count: Type.Optional(Type.Integer({ minimum: 0, description: 'How many records.' })),
    dropped: Type.Optional(
      Type.Union([Type.Integer({ minimum: 0 }), Type.Array(DropExpectation)], {
        description: 'How many messages were dropped on purpose, or each of them in order.',
      }),
    ),
    failed: Type.Optional(
      Type.Union([Type.Integer({ minimum: 0 }), Type.Array(FailExpectation)], {
        description: 'How many messages failed, or each of them in order.',
      }),
    ),
    metrics: Type.Optional(Type.Array(MetricExpectation, { description: 'Metric values after the run.' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const StepRange = Type.Object(
  {
    from: Type.Optional(StepId('The first step under test (default: the source).')),
    to: Type.Optional(StepId('The last step under test (default: the last step).')),
  },
  { additionalProperties: false },
);

export const TestCase = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Printed in the report.' }),
    description: Type.Optional(Type.String()),
    config: Type.Optional(
      Type.String({
        minLength: 1,
        description: "The pipeline config, relative to this file (default: the file's).",
      }),
    ),
    steps: Type.Optional(StepRange),
    env: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        description: 'The only variables ${VAR} in the config sees, so a test passes the same everywhere.',
      }),
    ),
    input: Type.Array(TestInput, { description: 'The messages, in order.' }),
    expect: Type.Array(Expectation, { minItems: 1 }),
    timeoutMs: Type.Optional(
      Type.Integer({ minimum: 1, default: 5000, description: 'How long to wait for every message to end.' }),
    ),
  },
  { additionalProperties: false },
);

/** A `*.test.json` file: tests of one pipeline config. */
export const TestFile = Type.Object(
  {
    $schema: Type.Optional(Type.String({ description: 'Path or URL of this JSON Schema, for editors.' })),
    config: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'The pipeline config the tests run, relative to this file (default: found from here).',
      }),
    ),
    tests: Type.Array(TestCase, { minItems: 1 }),
  },
  {
    additionalProperties: false,
    title: 'Tapline pipeline tests',
    description: 'Unit tests of a pipeline config, run by `tapline test`.',
  },
);

export type TestInput = Static<typeof TestInput>;
export type DropExpectation = Static<typeof DropExpectation>;
export type FailExpectation = Static<typeof FailExpectation>;
export type MetricExpectation = Static<typeof MetricExpectation>;
export type Expectation = Static<typeof Expectation>;
export type StepRange = Static<typeof StepRange>;
export type TestCase = Static<typeof TestCase>;
export type TestFile = Static<typeof TestFile>;
