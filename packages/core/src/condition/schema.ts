import { Type } from '@sinclair/typebox';
import { PATH_PATTERN } from '../field-path.js';

/**
 * A condition: a CEL expression (`"level != 'debug' && latencyMs > 250"`), or an object whose
 * leaf compares one field and whose branch combines conditions. Both compile to one Predicate.
 */
export type Condition = string | ConditionObject;

/** A leaf compares one field; a branch combines conditions. `conditionProblems` enforces one operator each. */
export interface ConditionObject {
  field?: string;
  eq?: unknown;
  ne?: unknown;
  in?: unknown[];
  exists?: boolean;
  gt?: number | string;
  gte?: number | string;
  lt?: number | string;
  lte?: number | string;
  matches?: string;
  flags?: string;
  and?: Condition[];
  or?: Condition[];
  not?: Condition;
}

/** The operators of a leaf condition, in the order problems name them. */
export const OPERATORS = ['eq', 'ne', 'in', 'exists', 'gt', 'gte', 'lt', 'lte', 'matches'] as const;
export const COMBINATORS = ['and', 'or', 'not'] as const;

const Comparable = Type.Union([Type.Number(), Type.String()]);

/**
 * Where a condition sits in an options schema. Conditions nest, so the schema refers to itself:
 * the reference is local (no `$id`), so the host can compile several plugins' schemas with one
 * ajv. An options schema that uses it lists {@link conditionSchema} in its root's
 * `$defs: { condition }`.
 */
export const conditionRef = Type.Unsafe<Condition>({ $ref: '#/$defs/condition' });

const conditionObjectSchema = Type.Object(
  {
    field: Type.Optional(
      Type.String({ minLength: 1, pattern: PATH_PATTERN, description: 'the field the operator reads' }),
    ),
    eq: Type.Optional(Type.Unknown()),
    ne: Type.Optional(Type.Unknown()),
    in: Type.Optional(Type.Array(Type.Unknown())),
    exists: Type.Optional(Type.Boolean()),
    gt: Type.Optional(Comparable),
    gte: Type.Optional(Comparable),
    lt: Type.Optional(Comparable),
    lte: Type.Optional(Comparable),
    matches: Type.Optional(Type.String({ description: 'a regular expression tested on string values' })),
    flags: Type.Optional(Type.String({ pattern: '^[imsu]*$' })),
    and: Type.Optional(Type.Array(conditionRef, { minItems: 1 })),
    or: Type.Optional(Type.Array(conditionRef, { minItems: 1 })),
    not: Type.Optional(conditionRef),
  },
  { additionalProperties: false },
);

/**
 * The schema of one condition, a CEL expression or an object; goes in the options schema's
 * `$defs.condition`. if/then/else rather than a union, so that a bad object is reported with
 * the object's errors only.
 */
export const conditionSchema = Type.Unsafe<Condition>({
  description: 'a CEL expression, or a condition object',
  if: { type: 'string' },
  then: { type: 'string', minLength: 1, description: 'a CEL expression that gives true or false' },
  else: conditionObjectSchema,
});
