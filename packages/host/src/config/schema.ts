import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { ConfigSchema, type ValidConfigData } from './config-schema.js';

/**
 * Absolute path of the pipeline config's JSON Schema, shipped in this package. Point a config
 * file's `$schema` at it so editors complete and check the file.
 */
export const configSchemaPath: string = fileURLToPath(
  new URL('../../schema/pipeline.config.schema.json', import.meta.url),
);

/**
 * The config schema as the shipped file holds it: the TypeBox schema as plain JSON, with its
 * draft. `pnpm schema` writes it; a test fails while the file differs.
 */
export function configJsonSchema(): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(ConfigSchema)) as Record<string, unknown>;
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...plain };
}

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

let validator: ValidateFunction<ValidConfigData> | undefined;

/**
 * The compiled validator of the pipeline config schema; applies the schema's defaults, so the
 * data it accepts is {@link ValidConfigData}.
 */
export function configValidator(): ValidateFunction<ValidConfigData> {
  // Compiled on first use: loading the host should cost nothing until a config is read.
  validator ??= createAjv(true).compile<ValidConfigData>(configJsonSchema());
  return validator;
}
