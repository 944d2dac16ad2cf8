import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { starterConfig } from '../init/starter.js';

/** The processor steps the demo adds to the starter's normalize step, for the latency its traffic reports. */
const LATENCY_STEPS = [
  { type: 'coerce', field: 'latencyMs', to: 'number' },
  { type: 'set', field: 'route', template: '{service} {endpoint}' },
] as const;

/** The histogram the demo adds to the starter's metrics step. */
const LATENCY_HISTOGRAM = {
  name: 'request_latency_seconds',
  help: 'Request latency reported by each service, in seconds',
  field: 'latencyMs',
  scale: 0.001,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
  labels: { service: 'service' },
} as const;

/**
 * The pipeline `tapline init` writes, with the latency each service reports measured too, for
 * running the demo where no pipeline.config.json is found: the plugins are named by path,
 * resolved from this package, so the file can live in a temporary directory. Returns the config
 * file's path.
 */
export async function writeBuiltinConfig(): Promise<string> {
  const pipeline = starterConfig.pipeline.map((step) => {
    const plugin = fileURLToPath(import.meta.resolve(step.plugin));
    switch (step.id) {
      case 'normalize':
        return { ...step, plugin, options: { steps: [...step.options.steps, ...LATENCY_STEPS] } };
      case 'metrics':
        return { ...step, plugin, options: { ...step.options, histograms: [LATENCY_HISTOGRAM] } };
      default:
        return { ...step, plugin };
    }
  });
  const config = { ...starterConfig, pipeline };
  const dir = await mkdtemp(path.join(tmpdir(), 'tapline-demo-'));
  // A package.json marks the directory as a project root, where a config search stops.
  await writeFile(path.join(dir, 'package.json'), '{ "name": "tapline-demo", "private": true }\n');
  const file = path.join(dir, 'pipeline.config.json');
  await writeFile(file, JSON.stringify(config, null, 2) + '\n');
  return file;
}
