import { describePluginContract } from '@tapline/testkit';
import plugin from '../src/index.js';

describePluginContract(plugin, {
  validOptions: {
    steps: [
      { type: 'coerce', field: 'n', to: 'number' },
      { type: 'set', field: 'env', value: 'prod' },
    ],
  },
  invalidOptions: [
    { options: { steps: 'all' }, path: '/steps' },
    { options: { steps: [{ type: 'explode' }] }, path: '/steps/0/type' },
    { options: { steps: [{ type: 'rename', from: 'a' }] }, path: '/steps/0/to' },
  ],
  sampleInputs: [{ n: '1' }, { n: 2, other: true }],
  throwingInput: { n: 'not a number' },
  errorType: 'TAPLINE_ERR_TRANSFORM',
});
