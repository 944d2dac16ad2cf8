// Run by stdout-target.test.ts in a child process: exports N records to stdout, then shuts down.
import { ExporterDomain } from '../src/index.js';

const n = Number(process.argv[2] ?? 10);
const d = new ExporterDomain({
  targets: [{ type: 'stdout' }],
  retries: 0,
  retryDelayMs: 0,
  retryMaxDelayMs: 0,
});
await d.initialize();
for (let i = 0; i < n; i++) await d.execute({ i });
await d.shutdown();
