import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describePluginContract } from '@tapline/testkit';
import plugin from '../src/index.js';

describePluginContract(plugin, {
  validOptions: { targets: [{ type: 'file', path: 'out/contract.ndjson' }] },
  invalidOptions: [
    { options: { targets: [] }, path: '/targets' },
    { options: { retries: -1 }, path: '/retries' },
  ],
  sampleInputs: [{ a: 1 }, 'text', [1, 2], null],
  throwingInput: { big: 1n },
  errorType: 'TAPLINE_ERR_EXPORT',
  context: () => ({ configDir: mkdtempSync(join(tmpdir(), 'tapline-exporter-contract-')) }),
});
