import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Pull } from 'zeromq';
import { afterAll, describe, expect, it } from 'vitest';
import { pluginPath, repo, tapline } from './cli-helpers.js';

const dirs: string[] = [];
const sockets: Pull[] = [];
afterAll(async () => {
  for (const s of sockets) s.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** A temp dir holding a pipeline (zmq source on `address` → processor → metrics → file exporter) and `tests`. */
async function suite(tests: unknown[], address = 'tcp://127.0.0.1:5555'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tapline-test-'));
  dirs.push(dir);
  const config = {
    pipeline: [
      { id: 'ingest', plugin: pluginPath('zmq-source'), options: { address } },
      {
        id: 'clean',
        plugin: pluginPath('processor'),
        options: {
          steps: [
            { type: 'default', field: 'level', value: 'info' },
            { type: 'filter', where: { field: 'level', ne: 'debug' } },
            { type: 'coerce', field: 'ms', to: 'number' },
          ],
        },
      },
      {
        id: 'count',
        plugin: pluginPath('metrics'),
        options: { counters: [{ name: 'seen_total', help: 'seen', labels: { level: 'level' } }] },
      },
      {
        id: 'export',
        plugin: pluginPath('exporter'),
        options: { targets: [{ type: 'file', path: 'out.ndjson' }] },
      },
    ],
    deadLetter: { path: 'dead.ndjson' },
  };
  await writeFile(path.join(dir, 'package.json'), '{"name":"tapline-test-suite","private":true}\n');
  await writeFile(path.join(dir, 'pipeline.config.json'), JSON.stringify(config, null, 2));
  await writeFile(path.join(dir, 'pipeline.test.json'), JSON.stringify({ tests }, null, 2));
  return dir;
}

const files = async (dir: string) => (await readdir(dir, { recursive: true })).sort();
const written = ['package.json', 'pipeline.config.json', 'pipeline.test.json'];

const passing = {
  name: 'levels default to info and debug is dropped',
  input: [{ record: { ms: '5' } }, { record: { level: 'debug' } }, { frame: '{"level":"warn"}' }],
  expect: [
    { step: 'clean', records: [{ ms: 5, level: 'info' }, { level: 'warn' }] },
    { records: [{ ms: 5, level: 'info' }, { level: 'warn' }], dropped: [{ step: 'clean' }] },
  ],
};

describe('tapline test', { timeout: 30_000 }, () => {
  it("passes a suite, opening nothing: the source's address is taken and no file is written", async () => {
    const taken = new Pull({ linger: 0 });
    sockets.push(taken);
    await taken.bind('tcp://127.0.0.1:*');
    const dir = await suite([passing], taken.lastEndpoint!);
    const result = await tapline(['test'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('PASS pipeline.test.json › levels default to info and debug is dropped');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 0 failed');
    expect(await files(dir)).toEqual(written);
  });

  it('fails a suite with exit code 1, printing what was expected, what came out, diffed, and the step', async () => {
    const failing = {
      name: 'wrong level',
      input: [{ record: { ms: '5' } }],
      expect: [{ step: 'clean', records: [{ ms: 5, level: 'warn' }] }],
    };
    const dir = await suite([passing, failing]);
    const result = await tapline(['test', '--config', 'pipeline.config.json'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('FAIL pipeline.test.json › wrong level');
    expect(result.stdout).toContain('expect[0], step "clean": records');
    expect(result.stdout).toMatch(/^ {6}- {5}"level": "warn"$/m);
    expect(result.stdout).toMatch(/^ {6}\+ {5}"level": "info"$/m);
    expect(result.stdout).toMatch(/^ {8} {4}"ms": 5,$/m);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 1 failed');

    const json = await tapline(['test', 'pipeline.test.json', '--json'], { cwd: dir });
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ ok: false, passed: 1, failed: 1 });
    expect(report.tests[1]).toMatchObject({
      name: 'wrong level',
      passed: false,
      failures: [
        {
          check: 'records',
          step: 'clean',
          expected: [{ ms: 5, level: 'warn' }],
          actual: [{ ms: 5, level: 'info' }],
        },
      ],
    });
    expect(await files(dir)).toEqual(written);
  });

  it('fails a test naming a step that does not exist, listing the steps that do', async () => {
    const dir = await suite([{ name: 'typo', input: [], expect: [{ step: 'claen', count: 0 }] }]);
    const result = await tapline(['test'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'expect[0].step names step "claen", which does not exist; the pipeline\'s enabled steps are: ingest, clean, count, export',
    );
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('0 passed, 1 failed');
  });

  it('expects raw malformed frames to fail in the source, with their bytes in the dead letter', async () => {
    const garbage = Buffer.from([0xff, 0xfe, 0x00]).toString('base64');
    const malformed = {
      name: 'malformed frames',
      input: [{ frame: '{"level":' }, { frame: '42' }, { frameBase64: garbage }, { frame: '{}' }],
      expect: [
        { count: 1 },
        {
          failed: [
            {
              step: 'ingest',
              errorType: 'TAPLINE_ERR_DECODE',
              deadLetter: { payloadBase64: Buffer.from('{"level":').toString('base64') },
            },
            {
              step: 'ingest',
              errorType: 'TAPLINE_ERR_DECODE',
              message: 'a number',
              deadLetter: { payload: 42 },
            },
            {
              step: 'ingest',
              errorType: 'TAPLINE_ERR_DECODE',
              message: 'UTF-8',
              deadLetter: { payloadBase64: garbage },
            },
          ],
        },
      ],
    };
    const notFailing = { ...malformed, name: 'expects a good frame to fail', input: [{ frame: '{}' }] };
    const dir = await suite([malformed, notFailing]);
    const result = await tapline(['test', '--json'], { cwd: dir });
    const report = JSON.parse(result.stdout);
    expect(report.tests[0]).toMatchObject({ passed: true, outcomes: { completed: 1, failed: 3 } });
    expect(report.tests[1].failures.map((f: { check: string }) => f.check)).toEqual(['failed']);
    expect(report.tests[1].failures[0].actual).toEqual([{ input: 1, outcome: 'completed' }]);
    expect(result.code).toBe(1);
    expect(await files(dir)).toEqual(written);
  });

  it('checks metric values by labels after the run', async () => {
    const input = [{ record: {} }, { record: { level: 'error' } }, { record: { level: 'error' } }];
    const dir = await suite([
      {
        name: 'counted',
        input,
        expect: [
          {
            metrics: [
              { name: 'seen_total', value: 3 },
              { name: 'seen_total', labels: { level: 'error' }, value: 2 },
            ],
          },
        ],
      },
      {
        name: 'miscounted',
        input,
        expect: [{ metrics: [{ name: 'seen_total', labels: { level: 'info' }, value: 2 }] }],
      },
    ]);
    const result = await tapline(['test'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('PASS pipeline.test.json › counted');
    expect(result.stdout).toContain('metrics[0]: seen_total{level="info"} is 1, expected 2; its samples:');
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 1 failed');
  });

  it('reports a test file that is not valid with file:line:column and exit code 1', async () => {
    const dir = await suite([]);
    await writeFile(
      path.join(dir, 'pipeline.test.json'),
      '{\n  "tests": [{ "name": "x", "inputs": [] }]\n}\n',
    );
    const result = await tapline(['test'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${path.join(dir, 'pipeline.test.json')}:2:`);
    expect(result.stderr).toContain('TAPLINE_ERR_TEST_INVALID');
  });

  it("passes the repository's own tests of pipeline.config.json", async () => {
    const result = await tapline(['test'], { cwd: repo });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\d+ passed, 0 failed$/m);
  });
});
