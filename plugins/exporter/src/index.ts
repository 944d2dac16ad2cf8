/**
 * `@tapline/plugin-exporter`: the terminal step that writes messages to files, stdout or a
 * ZeroMQ next hop and returns a receipt.
 * @packageDocumentation
 */
import { API_VERSION, definePlugin } from '@tapline/core';
import { checkOptions } from './check.js';
import { ExporterDomain } from './exporter-domain.js';
import { exporterOptions } from './options.js';

export { ExporterDomain, type ExporterContext } from './exporter-domain.js';
export { exporterOptions, type ExporterOptions, type TargetOptions } from './options.js';
export { FileTarget } from './file-target.js';
export { StdoutTarget } from './stdout-target.js';
export { ZmqTarget } from './zmq-target.js';
export { NatsTarget } from './nats-target.js';
export type { ExportTarget } from './target.js';

export default definePlugin({
  name: 'tapline:exporter',
  apiVersion: API_VERSION,
  description:
    'Writes each message as JSON to files (NDJSON), stdout or a ZeroMQ next hop, and returns a receipt.',
  input: 'json',
  output: 'receipt',
  options: exporterOptions,
  check: checkOptions,
  writesStdout: (options) => options.targets.some((t) => t.type === 'stdout'),
  create: (options, ctx) => new ExporterDomain(options, ctx),
});
