import { Type, type Static } from '@tapline/core';
import { DeadLetterSchema, LogSchema, MonitorSchema, RuntimeSchema } from './config-sections.js';
import { Defaulted, ObjectOrFalse } from './schema-helpers.js';

/** One entry of `pipeline`. */
export const StepSchema = Type.Object(
  {
    id: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9][A-Za-z0-9_.:-]*$',
        description: "Unique step id, used in events, logs and metrics. Defaults to the plugin's short name.",
      }),
    ),
    plugin: Type.String({
      minLength: 1,
      description: "A package name resolved from this file's directory, or a path relative to it.",
    }),
    description: Type.Optional(Type.String()),
    options: Defaulted(
      Type.Object({}, { description: "The plugin's options; the plugin's own schema checks them." }),
      {},
    ),
    enabled: Defaulted(Type.Boolean({ description: 'false skips the step entirely.' }), true),
  },
  { additionalProperties: false },
);

/** A pipeline config file: the one source of its JSON Schema and of its type. */
export const ConfigSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String({ description: 'Path or URL of this JSON Schema, for editors.' })),
    pipeline: Type.Array(StepSchema, {
      minItems: 1,
      description: 'The steps, in order. The first enabled step must be a source.',
    }),
    runtime: Defaulted(RuntimeSchema, {}),
    deadLetter: Defaulted(
      ObjectOrFalse(DeadLetterSchema, {
        description: 'Where failed messages are appended as NDJSON, or false to keep none.',
      }),
      {},
    ),
    monitor: Defaulted(MonitorSchema, {}),
    tests: Type.Optional(
      Type.Array(Type.Object({}), {
        description:
          'Unit tests of this pipeline, run by `tapline test`; each as in pipeline.test.schema.json beside this schema.',
      }),
    ),
    log: Defaulted(LogSchema, {}),
  },
  {
    title: 'Tapline pipeline config',
    description:
      'A Tapline pipeline: a source step, then domain steps run in the order listed. Strings may use ${VAR} and ${VAR:-default} to read the environment.',
    additionalProperties: false,
  },
);

/** A config file's data once its schema accepted it, every default filled in. */
export type ValidConfigData = Static<typeof ConfigSchema>;
