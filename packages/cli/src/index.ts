/**
 * `@tapline/cli`: the `tapline` command. Its pieces are exported for embedding and tests.
 * @packageDocumentation
 */
export { main, processIo } from './main.js';
export { UsageError, type CliIo, type Command } from './command.js';
export { commands } from './commands/index.js';
export {
  publish,
  PublishTimeoutError,
  type PublishOptions,
  type PublishResult,
} from './publish/publisher.js';
export { samplePayloads, fileLines } from './publish/payloads.js';
export { sampleRecords, MALFORMED_PAYLOADS, type SampleRecord } from './publish/sample-messages.js';
