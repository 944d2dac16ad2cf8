import { describePluginContract } from '@tapline/testkit';
import plugin from '../src/index.js';

// Metrics never fail a record for its content (a bad value is counted as skipped), so the
// contract has no throwing input here.
describePluginContract(plugin, {
  validOptions: {
    prefix: 'contract_',
    counters: [{ name: 'events_total', labels: { level: 'level' } }],
    gauges: [{ name: 'size', field: 'size' }],
    histograms: [{ name: 'latency_ms', field: 'latency', buckets: [1, 10, 100] }],
  },
  invalidOptions: [
    { options: { prefix: '9bad' }, path: '/prefix' },
    { options: { maxLabelSets: 0 }, path: '/maxLabelSets' },
    { options: { counters: [{ help: 'no name' }] }, path: '/counters/0/name' },
    { options: { gauges: [{ name: 'size' }] }, path: '/gauges/0/field' },
  ],
  sampleInputs: [{ level: 'info', size: 3, latency: 4 }, { level: 'warn' }, { size: 'big' }],
});
