import { fileURLToPath } from 'node:url';
import { TestFile } from './test-file-schema.js';

/**
 * Absolute path of the test files' JSON Schema, shipped beside the config's. Point a test
 * file's `$schema` at it so editors complete and check it.
 */
export const testSchemaPath: string = fileURLToPath(
  new URL('../../schema/pipeline.test.schema.json', import.meta.url),
);

/** The test file schema as the JSON file holds it: the TypeBox schema, as plain JSON, with its draft. */
export function testFileJsonSchema(): Record<string, unknown> {
  const plain = JSON.parse(JSON.stringify(TestFile)) as Record<string, unknown>;
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...plain };
}
