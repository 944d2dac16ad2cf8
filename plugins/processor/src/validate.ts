import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsPlugin from 'ajv-formats';
import { ValidationError, type JsonRecord, type Problem } from '@tapline/core';
import { ajvRegExp } from '@tapline/core/condition';

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = ((addFormatsPlugin as { default?: unknown }).default ?? addFormatsPlugin) as (
  ajv: Ajv,
) => Ajv;

let shared: Ajv | undefined;

/**
 * One Ajv for inline `validate` schemas. Strict about keywords and formats, so a misspelt one is
 * refused when the options are checked, but not about style (a `required` property that
 * `properties` does not list is fine). `addUsedSchema: false`: two steps whose schemas share
 * an `$id` do not collide. Patterns in schemas run on RE2, in linear time.
 */
export function schemaCompiler(): Ajv {
  shared ??= addFormats(
    new Ajv({
      allErrors: true,
      strictSchema: true,
      strictTypes: false,
      strictTuples: false,
      strictRequired: false,
      allowUnionTypes: true,
      addUsedSchema: false,
      logger: false,
      code: { regExp: ajvRegExp },
    }),
  );
  return shared;
}

/** Compiles a schema, or returns why it cannot be used. */
export function compileSchema(schema: object): ValidateFunction | Error {
  try {
    return schemaCompiler().compile(schema);
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  }
}

function problemOf(e: ErrorObject): Problem {
  return { path: e.instancePath, message: e.message ?? e.keyword };
}

/** An op that passes a record matching `schema` and throws ValidationError listing every mismatch. */
export function compileValidate(schema: object, index: number) {
  const validate = compileSchema(schema);
  if (validate instanceof Error) throw validate;
  return (record: JsonRecord): JsonRecord => {
    if (validate(record)) return record;
    const problems = (validate.errors ?? []).map(problemOf);
    const list = problems.map((p) => `${p.path || '/'} ${p.message}`).join('; ');
    throw new ValidationError(
      `Record does not match the schema of step ${index} (validate): ${list}`,
      problems,
    );
  };
}
