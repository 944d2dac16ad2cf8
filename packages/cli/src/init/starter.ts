/**
 * The starter pipeline `tapline init` writes: a ZeroMQ source, a processor that normalizes,
 * a metrics step and a file exporter, named by package so that the built-in plugins are found
 * from the Tapline installation wherever the folder is.
 */
export const starterConfig = {
  pipeline: [
    {
      id: 'ingest',
      plugin: '@tapline/plugin-zmq-source',
      options: {
        address: '${ZMQ_ADDRESS:-tcp://127.0.0.1:5555}',
        socket: 'pull',
        mode: 'bind',
        decode: 'record',
      },
    },
    {
      id: 'normalize',
      plugin: '@tapline/plugin-processor',
      options: {
        steps: [
          { type: 'default', field: 'level', value: 'info' },
          { type: 'default', field: 'service', value: 'unknown' },
          { type: 'filter', where: { field: 'level', ne: 'debug' } },
        ],
      },
    },
    {
      id: 'metrics',
      plugin: '@tapline/plugin-metrics',
      options: {
        prefix: 'app_',
        counters: [
          {
            name: 'messages_total',
            help: 'Records seen, by service and level',
            labels: { service: 'service', level: 'level' },
          },
        ],
      },
    },
    {
      id: 'export',
      plugin: '@tapline/plugin-exporter',
      options: { targets: [{ type: 'file', path: 'out/records.ndjson' }] },
    },
  ],
  runtime: { maxInFlight: 1024, shutdownTimeoutMs: 10000 },
  deadLetter: { path: 'out/dead-letters.ndjson' },
  monitor: { http: { host: '127.0.0.1', port: 9464 } },
  log: { level: 'info' },
} as const;

/** Tests of the starter's normalize step, which `tapline test` runs in process. */
export function starterTests(configFile: string) {
  return {
    config: configFile,
    tests: [
      {
        name: 'normalize fills a missing level and service',
        steps: { from: 'normalize', to: 'normalize' },
        input: [{ record: { message: 'hello' } }],
        expect: [{ records: [{ message: 'hello', level: 'info', service: 'unknown' }] }],
      },
      {
        name: 'normalize drops debug records',
        steps: { from: 'normalize', to: 'normalize' },
        input: [{ record: { level: 'debug' } }, { record: { level: 'warn' } }],
        expect: [{ count: 1 }, { dropped: [{ step: 'normalize', record: { level: 'debug' } }] }],
      },
    ],
  };
}
