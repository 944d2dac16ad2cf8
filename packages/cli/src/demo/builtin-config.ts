import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PLUGINS = {
  source: '@tapline/plugin-zmq-source',
  processor: '@tapline/plugin-processor',
  metrics: '@tapline/plugin-metrics',
  exporter: '@tapline/plugin-exporter',
} as const;

/**
 * The repository's default pipeline, for running the demo where no pipeline.config.json is
 * found: the plugins are named by path, resolved from this package, so the file can live in
 * a temporary directory. Returns the config file's path.
 */
export async function writeBuiltinConfig(): Promise<string> {
  const plugin = (name: keyof typeof PLUGINS) => fileURLToPath(import.meta.resolve(PLUGINS[name]));
  const config = {
    pipeline: [
      {
        id: 'ingest',
        plugin: plugin('source'),
        options: {
          address: '${ZMQ_ADDRESS:-tcp://127.0.0.1:5555}',
          socket: 'pull',
          mode: 'bind',
          decode: 'record',
        },
      },
      {
        id: 'normalize',
        plugin: plugin('processor'),
        options: {
          steps: [
            { type: 'default', field: 'level', value: 'info' },
            { type: 'default', field: 'service', value: 'unknown' },
            { type: 'coerce', field: 'latencyMs', to: 'number' },
            { type: 'filter', where: { field: 'level', ne: 'debug' } },
            { type: 'set', field: 'route', template: '{service} {endpoint}' },
          ],
        },
      },
      {
        id: 'metrics',
        plugin: plugin('metrics'),
        options: {
          prefix: 'app_',
          counters: [
            {
              name: 'messages_total',
              help: 'Records seen, by service and level',
              labels: { service: 'service', level: 'level' },
            },
          ],
          histograms: [
            {
              name: 'request_latency_seconds',
              help: 'Request latency reported by each service, in seconds',
              field: 'latencyMs',
              scale: 0.001,
              buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
              labels: { service: 'service' },
            },
          ],
        },
      },
      {
        id: 'export',
        plugin: plugin('exporter'),
        options: { targets: [{ type: 'file', path: 'out/records.ndjson' }] },
      },
    ],
    deadLetter: { path: 'out/dead-letters.ndjson' },
    monitor: { http: { host: '127.0.0.1', port: 9464 } },
  };
  const dir = await mkdtemp(path.join(tmpdir(), 'tapline-demo-'));
  // A package.json marks the directory as a project root, where a config search stops.
  await writeFile(path.join(dir, 'package.json'), '{ "name": "tapline-demo", "private": true }\n');
  const file = path.join(dir, 'pipeline.config.json');
  await writeFile(file, JSON.stringify(config, null, 2) + '\n');
  return file;
}
