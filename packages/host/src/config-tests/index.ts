/** The engine behind `tapline test`: unit tests of a pipeline config, run in process. */
export { runTests, type RunTestsOptions } from './run-tests.js';
export { findTests, readTestFile, type FindTestsOptions, type LoadedTest } from './read-tests.js';
export { runTest } from './run-test.js';
export { formatResult, formatSummary } from './format-report.js';
export { testSchemaPath, testFileJsonSchema } from './test-file-json-schema.js';
export { TestFile, type TestCase, type Expectation, type TestInput } from './test-file-schema.js';
export type { TestFailure, TestReport, TestResult } from './test-result.js';
