import { Type, type Static, type TSchema } from '@tapline/core';

/** What a default may leave out: the keys that the schema's own nested defaults fill in. */
type DefaultOf<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DefaultOf<T[K]> }
    : T;

/**
 * A key the file may leave out, which ajv (`useDefaults`) then sets to `value`. It is optional in
 * the JSON Schema (editors do not ask for it) and present in the static type, which describes
 * the data once validated: the only data the host reads by that type.
 */
export function Defaulted<T extends TSchema>(schema: T, value: DefaultOf<Static<T>>): T {
  // Optional only for `Type.Object`, which leaves the key out of `required`; the type stays T's.
  return Type.Optional<TSchema>({ ...schema, default: value }) as T;
}

/**
 * An object, or `false` to turn the feature off. One schema with two types rather than a union:
 * ajv fills no defaults inside `anyOf`, and a union's errors would repeat each branch's.
 */
export function ObjectOrFalse<T extends TSchema & { properties: Record<string, TSchema> }>(
  object: T,
  options: { description: string },
) {
  return Type.Unsafe<Static<T> | false>({
    ...options,
    type: ['object', 'boolean'],
    not: { const: true },
    additionalProperties: false,
    properties: object.properties,
  });
}

/** One of the given strings as a plain JSON Schema `enum` (TypeBox's unions of literals become `anyOf`). */
export function StringEnum<const V extends readonly string[]>(values: V) {
  return Type.Unsafe<V[number]>({ enum: [...values] });
}
