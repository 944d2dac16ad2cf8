import { connect } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { describePluginContract } from '@tapline/testkit';
import { afterAll } from 'vitest';
import plugin from '../src/index.js';
import { NatsServer } from './helpers.js';

const server = await new NatsServer().start();
afterAll(() => server.cleanup());

describePluginContract(plugin, {
  validOptions: { servers: [server.url], stream: 'CONTRACT', subjects: ['contract.>'], create: true },
  invalidOptions: [
    { options: { servers: [server.url] }, path: '/stream' },
    { options: { stream: 'S', decode: 'xml' }, path: '/decode' },
    { options: { stream: 'S', servers: ['http://localhost:4222'] }, path: '/servers/0' },
    { options: { stream: 'S', durable: 'a.b' }, path: '/durable' },
    { options: { stream: 'S', password: 'secret' }, path: '/password' },
    { options: { stream: 'S', batch: 0 }, path: '/batch' },
  ],
  sampleInputs: ['{"a":1}', '{"b":[1,2]}'],
  throwingInput: 'not json',
  errorType: 'TAPLINE_ERR_DECODE',
  driver: async (_domain, inputs) => {
    const nc = await connect({ servers: server.url });
    const js = jetstream(nc);
    for (const input of inputs) await js.publish('contract.x', input as string);
    await nc.close();
  },
});
