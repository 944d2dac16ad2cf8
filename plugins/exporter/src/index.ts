/**
 * `@tapline/plugin-exporter`: the terminal step that writes messages to files, stdout or a
 * ZeroMQ next hop and returns a receipt.
 * @packageDocumentation
 */
import { API_VERSION, curveProblems, definePlugin } from '@tapline/core';
import { ExporterDomain } from './exporter-domain.js';
import { exporterOptions, type ExporterOptions } from './options.js';

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
  kind: 'domain',
  description:
    'Writes each message as JSON to files (NDJSON), stdout or a ZeroMQ next hop, and returns a receipt.',
  input: 'json',
  output: 'receipt',
  options: exporterOptions,
  check: (options: ExporterOptions) =>
    options.targets.flatMap((t, i) =>
      t.type === 'zmq' ? curveProblems(t.curve, `/targets/${i}/curve`) : [],
    ),
  create: (options, ctx) => new ExporterDomain(options, ctx),
});
