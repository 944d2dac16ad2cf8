import { describePluginContract, type SourceDriver } from '../src/index.js';
import { lineSourcePlugin, upperPlugin, type LineSource } from './fixtures/plugins.js';

describePluginContract(upperPlugin, {
  validOptions: { field: 'who' },
  invalidOptions: [
    { options: { field: '' }, path: '/field' },
    { options: { nested: { limit: 0 } }, path: '/nested/limit' },
    { options: { colour: 'red' }, path: '/colour' },
  ],
  sampleInputs: [{ who: 'ada' }, { other: 1 }],
  throwingInput: { who: 42 },
  errorType: 'TAPLINE_ERR_VALIDATION',
});

const driver: SourceDriver = async (domain, inputs) => {
  for (const input of inputs) await (domain as LineSource).push(input as string);
};

describePluginContract(lineSourcePlugin, {
  validOptions: {},
  sampleInputs: ['{"a":1}', '{"b":2}'],
  throwingInput: 'not json',
  driver,
});

// Without a driver a source gets the reduced contract: no messages.
describePluginContract(lineSourcePlugin, { validOptions: {}, sampleInputs: ['{"a":1}'] });
