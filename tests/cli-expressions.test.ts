import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  defaultPipeline,
  freePort,
  pluginPath,
  settled,
  startRun,
  tapline,
  writeTempConfig,
  type RunningPipeline,
} from './cli-helpers.js';

const dirs: string[] = [];
const running: RunningPipeline[] = [];
afterEach(() => {
  for (const r of running.splice(0)) if (r.child.exitCode === null) r.child.kill('SIGKILL');
});
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

// Written by hand, so that the expected lines and columns can be read off the text.
const CONFIG = `{
  "pipeline": [
    { "id": "ingest", "plugin": "${pluginPath('zmq-source')}", "options": { "address": "tcp://127.0.0.1:5555" } },
    {
      "id": "enrich",
      "plugin": "${pluginPath('processor')}",
      "options": {
        "steps": [
          { "type": "filter", "where": "level != \\"debug\\" && lowr(service) == 'api'" },
          { "type": "set", "field": "s", "expr": "latencyMs / 1000.0 +" },
          { "type": "filter", "where": { "or": [{ "field": "a", "eq": 1 }, "${'('.repeat(100)}1${')'.repeat(100)} == 1"] } }
        ]
      }
    }
  ]
}
`;

describe('expressions in a config', { timeout: 30_000 }, () => {
  it('tapline validate reports each bad expression at its file:line:column, with a caret', async () => {
    const { dir, file } = await writeTempConfig(CONFIG);
    dirs.push(dir);
    const result = await tapline(['validate', '--config', file, '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.code).toBe('TAPLINE_ERR_OPTIONS_INVALID');
    const problems = report.problems as Array<{
      path: string;
      line: number;
      column: number;
      message: string;
    }>;
    const lines = CONFIG.split('\n');
    const columnOf = (line: number, text: string) => lines[line - 1]!.indexOf(text) + 1;
    expect(problems.map((p) => [p.path, p.line, p.column])).toEqual([
      // `lowr` comes after two escaped quotes: the column counts them as written.
      ['/pipeline/1/options/steps/0/where', 9, columnOf(9, 'lowr(')],
      // The end of the text, where the operand is missing.
      ['/pipeline/1/options/steps/1/expr', 10, columnOf(10, '" }')],
      ['/pipeline/1/options/steps/2/where/or/1', 11, columnOf(11, '((') + 32],
    ]);
    expect(problems[0]!.message).toContain(`level != "debug" && lowr(service) == 'api'\n${' '.repeat(26)}^`);
    expect(problems[2]!.message).toContain('maxDepth');
  });

  it('tapline run dead-letters a record an expression fails on, with the expression and the reason, and goes on', async () => {
    const address = `tcp://127.0.0.1:${await freePort()}`;
    const config = defaultPipeline(address);
    config.pipeline[1]!.options.steps = [
      { type: 'filter', where: "level != 'debug'" },
      { type: 'set', field: 'seconds', expr: 'latencyMs / 1000' },
    ];
    const { dir, file } = await writeTempConfig(config);
    dirs.push(dir);
    const run = await startRun(file);
    running.push(run);
    const input = path.join(dir, 'input.ndjson');
    const records = [
      { level: 'info', latencyMs: 1500 },
      { level: 'info', latencyMs: 'slow' },
      { level: 'debug', latencyMs: 1 },
      { level: 'info' },
      { level: 'warn', latencyMs: 250 },
    ];
    await writeFile(input, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    expect((await tapline(['publish', '-a', address, '--file', input])).code).toBe(0);
    const metrics = await settled(run, 5);
    expect(metrics.accounting).toMatchObject({ completed: 2, dropped: 1, failed: 2, lost: 0 });
    run.child.kill('SIGTERM');
    expect(await run.exit).toEqual({ code: 0, signal: null });

    const exported = (await readFile(path.join(dir, 'out.ndjson'), 'utf8')).trim().split('\n');
    expect(exported.map((l) => JSON.parse(l).seconds)).toEqual([1.5, 0.25]);
    const dead = (await readFile(path.join(dir, 'dead-letters.ndjson'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(dead).toHaveLength(2);
    for (const letter of dead) {
      expect(JSON.stringify(letter)).toContain('TAPLINE_ERR_EXPRESSION');
      expect(JSON.stringify(letter)).toContain('latencyMs / 1000');
    }
    expect(JSON.stringify(dead[1])).toContain('Unknown variable: latencyMs');
  });

  it('tapline run dead-letters a record an exporter route in CEL fails on, and goes on', async () => {
    const address = `tcp://127.0.0.1:${await freePort()}`;
    const config = defaultPipeline(address);
    config.pipeline[2]!.options.targets = [
      { name: 'slow', type: 'file', path: 'slow.ndjson', where: 'latencyMs > 250' },
      { name: 'all', type: 'file', path: 'out.ndjson' },
    ];
    const { dir, file } = await writeTempConfig(config);
    dirs.push(dir);
    const run = await startRun(file);
    running.push(run);
    const input = path.join(dir, 'input.ndjson');
    const records = [
      { id: 1, latencyMs: 1500 },
      { id: 2, latencyMs: 'slow' },
      { id: 3, latencyMs: 10 },
      { id: 4 },
      { id: 5, latencyMs: 300 },
    ];
    await writeFile(input, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    expect((await tapline(['publish', '-a', address, '--file', input])).code).toBe(0);
    const metrics = await settled(run, 5);
    expect(metrics.accounting).toMatchObject({ completed: 3, failed: 2, lost: 0 });
    run.child.kill('SIGTERM');
    expect(await run.exit).toEqual({ code: 0, signal: null });

    const ids = async (name: string) =>
      (await readFile(path.join(dir, name), 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).id as number);
    expect(await ids('slow.ndjson')).toEqual([1, 5]);
    expect(await ids('out.ndjson')).toEqual([1, 3, 5]);
    const dead = (await readFile(path.join(dir, 'dead-letters.ndjson'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(dead.map((l) => [l.step, l.errorType, l.payload.id])).toEqual([
      ['export', 'TAPLINE_ERR_EXPRESSION', 2],
      ['export', 'TAPLINE_ERR_EXPRESSION', 4],
    ]);
    for (const letter of dead) expect(JSON.stringify(letter)).toContain('latencyMs > 250');
  });
});

describe('tapline test with expressions', { timeout: 30_000 }, () => {
  it('runs a config whose steps are expressions against test files whose conditions are expressions', async () => {
    const config = {
      pipeline: [
        { id: 'ingest', plugin: pluginPath('zmq-source'), options: { address: 'tcp://127.0.0.1:5555' } },
        {
          id: 'clean',
          plugin: pluginPath('processor'),
          options: {
            steps: [
              { type: 'filter', where: "level != 'debug'" },
              { type: 'set', field: 'seconds', expr: 'latencyMs / 1000' },
              { type: 'set', field: 'route', expr: "upper(service) + ' ' + endpoint" },
            ],
          },
        },
        {
          id: 'export',
          plugin: pluginPath('exporter'),
          options: { targets: [{ type: 'file', path: 'o.ndjson' }] },
        },
      ],
    };
    const records = [
      { level: 'info', latencyMs: 250, service: 'api', endpoint: '/a' },
      { level: 'debug', latencyMs: 1, service: 'api', endpoint: '/b' },
    ];
    const tests = [
      {
        name: 'expressions pass',
        input: records.map((record) => ({ record })),
        expect: [
          { where: "seconds == 0.25 && route == 'API /a'", count: 1 },
          { step: 'clean', where: { and: ["route.startsWith('API')", { field: 'level', eq: 'info' }] } },
        ],
      },
      {
        name: 'an expression that does not hold fails the test',
        input: [{ record: records[0] }],
        expect: [{ where: 'seconds > 1.0' }],
      },
    ];
    const { dir, file } = await writeTempConfig(config);
    dirs.push(dir);
    await writeFile(path.join(dir, 'pipeline.test.json'), JSON.stringify({ tests }, null, 2));
    const result = await tapline(['test', '--config', file], { cwd: dir });
    expect(result.stdout).toContain('PASS pipeline.test.json › expressions pass');
    expect(result.stdout).toContain(
      'FAIL pipeline.test.json › an expression that does not hold fails the test',
    );
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 1 failed');
    expect(result.code).toBe(1);
  });
});
