// Writes schema/pipeline.test.schema.json from the TypeBox schema in src/testing (run after a build).
import { writeFileSync } from 'node:fs';
import { testFileJsonSchema, testSchemaPath } from '../dist/index.js';

writeFileSync(testSchemaPath, JSON.stringify(testFileJsonSchema(), null, 2) + '\n');
console.log(`wrote ${testSchemaPath}`);
