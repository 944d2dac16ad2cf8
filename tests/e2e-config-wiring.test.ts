import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePrometheusText } from '../packages/host/test/http/prometheus-text.js';
import { settled } from './cli-helpers.js';
import {
  Pipelines,
  defaultConfig,
  pusher,
  readNdjson,
  sendAll,
  stepOf,
  type PipelineConfig,
  type PipelineStep,
} from './support/e2e-pipeline.js';

// The variants run side by side (each its own process), so cleanup waits for all of them.
const pipelines = new Pipelines();
afterAll(() => pipelines.cleanup());

const records = [
  { id: 'a', service: 'api', level: 'info', latencyMs: 5 },
  { id: 'b', service: 'api', level: 'debug' },
  { id: 'c', service: 'web' },
  { id: 'd', service: 'web', severity: 'debug' },
  { id: 'e', service: 'db', severity: 'warn' },
];

/** A second processor step: older senders say `severity` where the pipeline expects `level`. */
const adopt: PipelineStep = {
  id: 'adopt',
  plugin: '@tapline/plugin-processor',
  options: { steps: [{ type: 'rename', from: 'severity', to: 'level' }] },
};

interface Outcome {
  exported: Array<Record<string, any>>;
  metrics: Record<string, any>;
  /** app_messages_total by "service/level". */
  counted: Record<string, number>;
}

/** Runs `config` as `tapline run`, sends the records, and stops it once they are all accounted for. */
async function outcomeOf(config: PipelineConfig, address: string): Promise<Outcome> {
  const run = await pipelines.start(config);
  const push = pusher(address);
  try {
    await sendAll(
      push,
      records.map((r) => JSON.stringify(r)),
    );
  } finally {
    push.close();
  }
  const metrics = await settled(run, records.length);
  const prom = parsePrometheusText(await (await fetch(new URL('/metrics', run.url))).text());
  const counted: Record<string, number> = {};
  for (const s of prom.get('app_messages_total')?.samples ?? [])
    counted[`${s.labels.service}/${s.labels.level}`] = s.value;
  run.child.kill('SIGTERM');
  expect(await run.exit).toEqual({ code: 0, signal: null });
  return { exported: await readNdjson(path.join(run.dir, 'out/records.ndjson')), metrics, counted };
}

const idsOf = (o: Outcome) => o.exported.map((r) => r.id);
const stepIds = (o: Outcome) => o.metrics.steps.map((s: { id: string }) => s.id);
const byId = (o: Outcome, id: string) => o.exported.find((r) => r.id === id);

describe.concurrent('config-driven wiring, end to end', { timeout: 30_000 }, () => {
  it('the default config: normalize drops debug records before metrics counts', async () => {
    const { config, address } = await defaultConfig();
    const o = await outcomeOf(config, address);
    expect(stepIds(o)).toEqual(['ingest', 'normalize', 'metrics', 'export']);
    expect(o.metrics.accounting).toMatchObject({ completed: 4, dropped: 1, failed: 0 });
    expect(idsOf(o)).toEqual(['a', 'c', 'd', 'e']);
    expect(o.counted).toEqual({ 'api/info': 1, 'web/info': 2, 'db/info': 1 });
    expect(byId(o, 'd')).toMatchObject({ level: 'info', severity: 'debug', route: 'web ' });
  });

  it('metrics moved before normalize counts every record, with the labels as sent', async () => {
    const { config, address } = await defaultConfig();
    const [ingest, normalize, metrics, exporter] = config.pipeline;
    config.pipeline = [ingest!, metrics!, normalize!, exporter!];
    const o = await outcomeOf(config, address);
    expect(stepIds(o)).toEqual(['ingest', 'metrics', 'normalize', 'export']);
    expect(o.metrics.accounting).toMatchObject({ completed: 4, dropped: 1, failed: 0 });
    expect(idsOf(o)).toEqual(['a', 'c', 'd', 'e']);
    // The missing level is counted as the metrics step's missingLabel, "".
    expect(o.counted).toEqual({ 'api/info': 1, 'api/debug': 1, 'web/': 2, 'db/': 1 });
    expect(o.metrics.operations['metrics.handle'].success).toBe(5);
  });

  it('an added processor step before normalize runs, and its renamed levels are filtered', async () => {
    const { config, address } = await defaultConfig();
    config.pipeline.splice(1, 0, adopt);
    const o = await outcomeOf(config, address);
    expect(stepIds(o)).toEqual(['ingest', 'adopt', 'normalize', 'metrics', 'export']);
    expect(o.metrics.operations['adopt.handle']).toMatchObject({ success: 5, errors: 0 });
    expect(o.metrics.accounting).toMatchObject({ completed: 3, dropped: 2, failed: 0 });
    expect(idsOf(o)).toEqual(['a', 'c', 'e']);
    expect(byId(o, 'e')).toEqual(expect.objectContaining({ level: 'warn' }));
    expect(byId(o, 'e')).not.toHaveProperty('severity');
    expect(o.counted).toEqual({ 'api/info': 1, 'web/info': 1, 'db/warn': 1 });
  });

  it('the same two processor steps in the other order: renamed levels arrive after the filter', async () => {
    const { config, address } = await defaultConfig();
    config.pipeline.splice(2, 0, adopt);
    const o = await outcomeOf(config, address);
    expect(stepIds(o)).toEqual(['ingest', 'normalize', 'adopt', 'metrics', 'export']);
    expect(o.metrics.accounting).toMatchObject({ completed: 4, dropped: 1, failed: 0 });
    expect(idsOf(o)).toEqual(['a', 'c', 'd', 'e']);
    expect(byId(o, 'd')).toEqual(expect.objectContaining({ level: 'debug' }));
    expect(o.counted).toEqual({ 'api/info': 1, 'web/info': 1, 'web/debug': 1, 'db/warn': 1 });
  });

  it('a disabled step is left out: records pass unchanged and nothing is dropped', async () => {
    const { config, address } = await defaultConfig();
    stepOf(config, 'normalize').enabled = false;
    const o = await outcomeOf(config, address);
    expect(stepIds(o)).toEqual(['ingest', 'metrics', 'export']);
    expect(o.metrics.operations).not.toHaveProperty('normalize.handle');
    expect(o.metrics.accounting).toMatchObject({ completed: 5, dropped: 0, failed: 0 });
    expect(o.exported).toEqual(records);
    expect(o.counted).toEqual({ 'api/info': 1, 'api/debug': 1, 'web/': 2, 'db/': 1 });
  });
});
