import { describePluginContract } from '@tapline/testkit';
import dedupe from '../src/index.js';

describePluginContract(dedupe, {
  validOptions: { key: 'id' },
  invalidOptions: [
    { options: {}, path: '/key' },
    { options: { key: 'id', windowMs: 0 }, path: '/windowMs' },
    { options: { key: 'id', maxKeys: 'many' }, path: '/maxKeys' },
    { options: { key: [] }, path: '/key' },
    { options: { key: 'id', onMissingKey: 'ignore' }, path: '/onMissingKey' },
  ],
  sampleInputs: [{ id: 1 }, { id: 2 }, { id: 1 }],
  throwingInput: { noKey: true },
  errorType: 'TAPLINE_ERR_VALIDATION',
});
