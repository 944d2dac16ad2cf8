// Writes the JSON Schemas this package ships, schema/pipeline.config.schema.json and
// schema/pipeline.test.schema.json, from their TypeBox sources in src/config and src/config-tests
// (run after a build: `pnpm schema`). A host test fails while a shipped file differs.
import { writeFileSync } from 'node:fs';
import { configJsonSchema, configSchemaPath, testFileJsonSchema, testSchemaPath } from '../dist/index.js';

for (const [file, schema] of [
  [configSchemaPath, configJsonSchema()],
  [testSchemaPath, testFileJsonSchema()],
]) {
  writeFileSync(file, JSON.stringify(schema, null, 2) + '\n');
  console.log(`wrote ${file}`);
}
