import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '@tapline/testkit';
import { freePort, getJson, repo } from './cli-helpers.js';
import {
  Pipelines,
  accountingLine,
  pusher,
  readNdjson,
  sendAll,
  stepOf,
  type PipelineConfig,
} from './support/e2e-pipeline.js';
import { NatsServer } from './support/nats-server.js';

const server = new NatsServer();
const pipelines = new Pipelines();

afterEach(async () => {
  await pipelines.cleanup();
  await server.cleanup();
});

/** An example config of examples/scale-out, pointed at this test's server and ports. */
async function example(name: 'edge' | 'worker'): Promise<PipelineConfig> {
  const text = await readFile(path.join(repo, 'examples/scale-out', `${name}.config.json`), 'utf8');
  const config = JSON.parse(text) as PipelineConfig & { $schema?: string };
  delete config.$schema;
  config.monitor = { http: { host: '127.0.0.1', port: 0 } };
  return config;
}

const TOTAL = 2_000;
const isDebug = (seq: number) => seq % 10 === 3;

describe(
  'the scale-out example: edge (ZeroMQ in, JetStream out) and worker (JetStream in, file out)',
  { timeout: 60_000 },
  () => {
    it('hands every record the edge completed to the worker, which exports each once', async () => {
      await server.start();
      const worker = await example('worker');
      stepOf(worker, 'ingest').options!.servers = [server.url];
      const edge = await example('edge');
      const address = `tcp://127.0.0.1:${await freePort()}`;
      stepOf(edge, 'ingest').options!.address = address;
      stepOf(edge, 'handoff').options!.targets[0].servers = [server.url];

      // The worker first: it creates the stream the edge publishes to.
      const workerRun = await pipelines.start(worker);
      const edgeRun = await pipelines.start(edge);
      const push = pusher(address);
      try {
        await sendAll(
          push,
          Array.from({ length: TOTAL }, (_, seq) =>
            JSON.stringify({
              seq,
              service: 'api',
              endpoint: '/x',
              latencyMs: '12',
              level: isDebug(seq) ? 'debug' : 'info',
            }),
          ),
        );
      } finally {
        push.close();
      }
      const expected = Array.from({ length: TOTAL }, (_, seq) => seq).filter((seq) => !isDebug(seq));
      await eventually(
        async () =>
          (await getJson(workerRun.url, '/api/metrics')).accounting.completed === expected.length
            ? true
            : undefined,
        { timeoutMs: 30_000 },
      );
      edgeRun.child.kill('SIGTERM');
      workerRun.child.kill('SIGTERM');
      expect(await edgeRun.exit).toEqual({ code: 0, signal: null });
      expect(await workerRun.exit).toEqual({ code: 0, signal: null });

      const edgeLine = accountingLine(edgeRun);
      expect(edgeLine.accounting).toMatchObject({
        received: TOTAL,
        completed: expected.length,
        dropped: TOTAL - expected.length,
        failed: 0,
      });
      const workerLine = accountingLine(workerRun);
      expect(workerLine.accounting).toMatchObject({
        received: expected.length,
        completed: expected.length,
        failed: 0,
      });

      const records = await readNdjson(path.join(workerRun.dir, 'out/records-worker.ndjson'));
      expect(records.map((r) => r.seq as number).sort((a, b) => a - b)).toEqual(expected);
      expect(records[0]).toMatchObject({ latencyMs: 12, route: 'api /x', level: 'info' });
    });
  },
);
