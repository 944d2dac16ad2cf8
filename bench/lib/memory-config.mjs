// The repository's default pipeline (pipeline.config.json) fed from memory: its source swapped
// for the memory source (memory-source.mjs), exporting to records.ndjson in the run's folder
// with each record stamped `exportedAt`, with no HTTP API and warnings logged only.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repositoryPipeline } from './tapline-config.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));

/** `--batch` of the in-memory benchmarks: records a turn of the event loop, 1 to 256. */
export function turnSize(value) {
  const batch = Number(value);
  if (!Number.isInteger(batch) || batch < 1 || batch > 256) throw new Error('--batch takes 1 to 256');
  return batch;
}

/**
 * The config as an object; the memory source writes its CPU time per record to `out`, and takes
 * `batch` records a turn of the event loop (256 when not given).
 */
export function memoryPipelineConfig({ count, out, batch }) {
  const config = repositoryPipeline();
  config.pipeline[0] = {
    id: 'ingest',
    plugin: join(here, 'memory-source.mjs'),
    options: batch === undefined ? { count, out } : { count, out, batch },
  };
  const exporter = config.pipeline.find((s) => s.id === 'export');
  exporter.options = { targets: [{ type: 'file', path: 'records.ndjson' }], timestampField: 'exportedAt' };
  config.deadLetter = { path: 'dead-letters.ndjson' };
  config.monitor.http = false;
  config.log = { level: 'warn' };
  return config;
}
