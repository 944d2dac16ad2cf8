// The repository's default pipeline (pipeline.config.json) as the benchmark runs it: on the
// given address and HTTP port, exporting to records.ndjson in the run's folder with each record
// stamped `exportedAt` (epoch ms) by the exporter, and logging warnings only (by default).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The repository's pipeline.config.json as an object, its built-in plugins named by path, so
 * that a run folder outside the repository finds them too.
 */
export function repositoryPipeline() {
  const config = JSON.parse(readFileSync(join(root, 'pipeline.config.json'), 'utf8'));
  delete config.$schema;
  for (const step of config.pipeline) {
    const plugin = /^@tapline\/plugin-(.+)$/.exec(step.plugin);
    if (plugin) step.plugin = join(root, 'plugins', plugin[1], 'dist/index.js');
  }
  return config;
}

/** Writes the config into `dir` and returns its path. `batch > 1`: frames of NDJSON lines. */
export function writeTaplineConfig(dir, { address, httpPort, batch = 1, logLevel = 'warn' }) {
  const config = repositoryPipeline();
  const source = config.pipeline[0];
  source.options.address = address;
  if (batch > 1) source.options.decode = 'ndjson';
  const exporter = config.pipeline.find((s) => s.id === 'export');
  exporter.options.targets = [{ type: 'file', path: 'records.ndjson' }];
  exporter.options.timestampField = 'exportedAt';
  config.deadLetter = { path: 'dead-letters.ndjson' };
  config.monitor.http = { host: '127.0.0.1', port: httpPort };
  config.log = { level: logLevel };
  const file = join(dir, 'pipeline.config.json');
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}
