import { PATH_PATTERN, Type, type Static } from '@tapline/core';

const fieldPath = Type.String({
  minLength: 1,
  pattern: PATH_PATTERN,
  description: 'A field of the record, dotted for nested fields: "user.id", "items[0].sku".',
});

/** The options of a dedupe step. */
export const dedupeOptions = Type.Object(
  {
    key: Type.Union([fieldPath, Type.Array(fieldPath, { minItems: 1 })], {
      description: 'The field (or fields, together) that make two records the same.',
    }),
    windowMs: Type.Integer({
      minimum: 1,
      default: 60_000,
      description: 'How long after a key is first seen a record with the same key is dropped.',
    }),
    maxKeys: Type.Integer({
      minimum: 1,
      default: 100_000,
      description: 'At most this many keys are remembered; past it the oldest is forgotten first.',
    }),
    onMissingKey: Type.Union([Type.Literal('error'), Type.Literal('forward')], {
      default: 'error',
      description: 'What to do with a record that lacks a key field: fail it, or forward it unchecked.',
    }),
  },
  { additionalProperties: false },
);

export type DedupeOptions = Static<typeof dedupeOptions>;
