/**
 * `@tapline/plugin-nats`: a source step that takes messages in from a NATS JetStream durable
 * pull consumer and acks each once its outcome is durable.
 * @packageDocumentation
 */
import { API_VERSION, definePlugin, type Problem } from '@tapline/core';
import { NatsSourceDomain } from './nats-source-domain.js';
import { OUTPUT_TYPES, natsSourceOptions, type NatsSourceOptions } from './options.js';
import { registerSourceMetrics } from './source-metrics.js';

export { NatsSourceDomain, type NatsSourceContext } from './nats-source-domain.js';
export { natsSourceOptions, OUTPUT_TYPES, type NatsSourceOptions } from './options.js';

const SERVER = /^(nats|tls|ws|wss):\/\/[^/\s]+$|^[^:/\s]+:\d+$/;

function check(options: NatsSourceOptions): Problem[] {
  const problems: Problem[] = [];
  options.servers.forEach((server, i) => {
    if (!server.includes('${') && !SERVER.test(server)) {
      problems.push({
        path: `/servers/${i}`,
        message: `"${server}" is not a NATS server address; use nats://host:port`,
      });
    }
  });
  if (options.token !== undefined && options.user !== undefined) {
    problems.push({ path: '/token', message: 'use either token or user and password, not both' });
  }
  if (options.password !== undefined && options.user === undefined) {
    problems.push({ path: '/password', message: 'a password needs a user' });
  }
  return problems;
}

export default definePlugin({
  name: 'tapline:nats',
  apiVersion: API_VERSION,
  kind: 'source',
  description:
    'Takes messages in from a NATS JetStream durable pull consumer; acks each once it is exported, dropped or dead-lettered.',
  input: 'bytes',
  output: (options: NatsSourceOptions) => OUTPUT_TYPES[options.decode],
  options: natsSourceOptions,
  check,
  create: (options, ctx) => {
    const domain = new NatsSourceDomain(options, ctx);
    registerSourceMetrics(ctx.registry, domain);
    return domain;
  },
});
