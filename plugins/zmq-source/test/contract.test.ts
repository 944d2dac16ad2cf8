import { describePluginContract } from '@tapline/testkit';
import { Push } from 'zeromq';
import plugin, { type ZmqSourceDomain } from '../src/index.js';

describePluginContract(plugin, {
  validOptions: { address: 'tcp://127.0.0.1:*' },
  invalidOptions: [
    { options: { socket: 'dealer' }, path: '/socket' },
    { options: { decode: 'xml' }, path: '/decode' },
    { options: { address: 'localhost:5555' }, path: '/address' },
  ],
  sampleInputs: ['{"a":1}', '{"b":[1,2]}'],
  throwingInput: 'not json',
  errorType: 'TAPLINE_ERR_DECODE',
  driver: async (domain, inputs) => {
    const push = new Push({ linger: 1000 }); // closing must not drop what is still queued
    push.connect((domain as ZmqSourceDomain).endpoint!);
    for (const input of inputs) await push.send(input as string);
    push.close();
  },
});
