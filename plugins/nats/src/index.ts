/**
 * `@tapline/plugin-nats`: a source step that takes messages in from a NATS JetStream durable
 * pull consumer and acks each once its outcome is durable.
 * @packageDocumentation
 */
import { API_VERSION, definePlugin } from '@tapline/core';
import { checkOptions } from './check.js';
import { NatsSourceDomain } from './nats-source-domain.js';
import { OUTPUT_TYPES, natsSourceOptions, type NatsSourceOptions } from './options.js';
import { registerSourceMetrics } from './source-metrics.js';

export { NatsSourceDomain, type NatsSourceContext } from './nats-source-domain.js';
export { natsSourceOptions, OUTPUT_TYPES, type NatsSourceOptions } from './options.js';

export default definePlugin({
  name: 'tapline:nats',
  apiVersion: API_VERSION,
  kind: 'source',
  description:
    'Takes messages in from a NATS JetStream durable pull consumer; acks each once it is exported, dropped or dead-lettered.',
  input: 'bytes',
  output: (options: NatsSourceOptions) => OUTPUT_TYPES[options.decode],
  options: natsSourceOptions,
  check: checkOptions,
  create: (options, ctx) => {
    const domain = new NatsSourceDomain(options, ctx);
    registerSourceMetrics(ctx.registry, domain);
    return domain;
  },
});
