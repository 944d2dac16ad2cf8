import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Absolute path of the pipeline config's JSON Schema, shipped in this package. Point a config
 * file's `$schema` at it so editors complete and check the file.
 */
export const configSchemaPath: string = fileURLToPath(
  new URL('../../schema/pipeline.config.schema.json', import.meta.url),
);

/** Makes the ajv instance Tapline validates with: every error at once, defaults filled in. */
export function createAjv(strict: boolean): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    useDefaults: true,
    verbose: true,
    strict,
    allowUnionTypes: true,
    logger: false,
  });
  // ajv-formats is CommonJS; under NodeNext its plugin is the module's `default`.
  addFormats.default(ajv);
  return ajv;
}

let validator: ValidateFunction | undefined;

/** The compiled validator of the pipeline config schema; applies the schema's defaults. */
export function configValidator(): ValidateFunction {
  // Compiled on first use: loading the host should cost nothing until a config is read.
  validator ??= createAjv(true).compile(JSON.parse(readFileSync(configSchemaPath, 'utf8')));
  return validator;
}
