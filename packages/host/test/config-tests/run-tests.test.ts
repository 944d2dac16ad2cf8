import { afterAll, describe, expect, it } from 'vitest';
import { removeTempDirs } from '../helpers.js';
import { plugin } from '../run-helpers.js';
import { behave, builtin, chain, filesIn, listSource, runIn, sink } from './config-tests-helpers.js';

afterAll(removeTempDirs);

describe('runTests', () => {
  it('checks what each step emitted, dropped and failed, with records and raw frames', async () => {
    const { report, dir, results } = await runIn(chain(), [
      {
        name: 'mixed',
        input: [
          { record: { n: 1 } },
          { record: { n: 2, drop: true } },
          { record: { n: 3, fail: true } },
          { frame: '{"n":4}' },
        ],
        expect: [
          { step: 'in', count: 4 },
          {
            step: 'a',
            records: [
              { n: 1, trail: ['a'] },
              { n: 4, trail: ['a'] },
            ],
          },
          { contains: [{ n: 4, trail: ['a', 'b'] }], count: 2, where: { field: 'trail', exists: true } },
          {
            step: 'a',
            dropped: [{ step: 'a', record: { n: 2 } }],
            failed: [
              {
                step: 'a',
                errorType: 'Error',
                message: '^refused record 3$',
                deadLetter: { step: 'a', source: 'in', payload: { n: 3, fail: true } },
              },
            ],
          },
          { step: 'b', dropped: 0, failed: 0 },
        ],
      },
    ]);
    expect(results[0]!.failures).toEqual([]);
    expect(results[0]).toMatchObject({ passed: true, outcomes: { completed: 2, dropped: 1, failed: 1 } });
    expect(report).toMatchObject({ passed: 1, failed: 0 });
    // No dead-letter file, nothing but what the test wrote.
    expect(await filesIn(dir)).toEqual(['package.json', 'pipeline.config.json', 'pipeline.test.json']);
  });

  it('fails an expectation with the whole record that came out, diffed, and its step', async () => {
    const { results } = await runIn(chain(), [
      {
        name: 'wrong',
        input: [{ record: { n: 1, keep: 'me' } }],
        expect: [
          { step: 'a', records: [{ n: 1, keep: 'me', trail: ['z'] }] },
          { contains: [{ n: 2 }] },
          { where: { field: 'n', gt: 5 } },
          { count: 3, dropped: 1, failed: [{ errorType: 'Error' }] },
        ],
      },
    ]);
    const [result] = results;
    expect(result!.passed).toBe(false);
    const byCheck = Object.fromEntries(result!.failures.map((f) => [f.check, f]));
    expect(byCheck.records).toMatchObject({ expectation: 0, step: 'a' });
    expect(byCheck.records!.diff).toContain('-       "z"');
    expect(byCheck.records!.diff).toContain('+       "a"');
    expect(byCheck.records!.diff).toContain('    "keep": "me"');
    expect(byCheck.contains).toMatchObject({ step: 'out', actual: { n: 1, keep: 'me', trail: ['a', 'b'] } });
    expect(byCheck.contains!.diff).toContain('-   "n": 2');
    expect(byCheck.where).toMatchObject({ step: 'out', actual: [{ n: 1, keep: 'me', trail: ['a', 'b'] }] });
    expect(byCheck.count).toMatchObject({ expected: 3, actual: [{ n: 1 }] });
    expect(byCheck.dropped).toMatchObject({ expected: 1, actual: [{ input: 1, outcome: 'completed' }] });
    expect(byCheck.failed).toMatchObject({ expected: [{ errorType: 'Error' }] });
    expect(result!.failures).toHaveLength(6);
  });

  it('fails a test that names a step that does not exist, is disabled or is not under test, listing the steps', async () => {
    const { results } = await runIn(chain(), [
      { name: 'missing', input: [], expect: [{ step: 'zzz', count: 0 }] },
      { name: 'disabled', input: [], expect: [{ step: 'c', count: 0 }] },
      { name: 'outside', steps: { from: 'b' }, input: [], expect: [{ step: 'a', count: 0 }] },
      { name: 'range', steps: { from: 'b', to: 'a' }, input: [], expect: [{ count: 0 }] },
      { name: 'entry', input: [], expect: [{ dropped: [{ step: 'nope' }] }] },
    ]);
    const messages = results.map((r) => r.failures.map((f) => [f.check, f.message]));
    expect(results.every((r) => !r.passed)).toBe(true);
    expect(messages[0]).toEqual([
      ['steps', expect.stringMatching(/"zzz", which does not exist; .*: in, a, b, out$/)],
    ]);
    expect(messages[1]![0]![1]).toMatch(/"c", which is disabled; .*: in, a, b, out$/);
    expect(messages[2]![0]![1]).toMatch(/"a", which is not under test; .*: b, out$/);
    expect(messages[3]![0]![1]).toMatch(/steps.from "b" comes after steps.to "a"/);
    expect(messages[4]![0]![1]).toMatch(/"nope", which does not exist/);
  });

  it('runs only the steps under test', async () => {
    const { results } = await runIn(chain(), [
      {
        name: 'b alone',
        steps: { from: 'b', to: 'b' },
        input: [{ record: { n: 1 } }],
        expect: [{ records: [{ n: 1, trail: ['b'] }] }],
      },
    ]);
    expect(results[0]!.failures).toEqual([]);
  });

  it('refuses raw frames when the steps under test do not start at the source', async () => {
    const { results } = await runIn(chain(), [
      { name: 'frames', steps: { from: 'a' }, input: [{ frame: '{}' }], expect: [{ count: 1 }] },
    ]);
    expect(results[0]!.failures).toEqual([
      { check: 'input', message: expect.stringContaining('only the source "in" decodes') },
    ]);
  });

  it('holds at most runtime.maxInFlight inputs in flight at once, as a run does', async () => {
    const input = Array.from({ length: 300 }, (_, n) => ({ record: { n, delayMs: 1 } }));
    const { results } = await runIn(
      [listSource([]), behave('a', { stamp: true }), sink],
      [{ name: 'many', input, expect: [{ count: 300, where: { field: 'heldWith', lte: 100 } }] }],
      { runtime: { maxInFlight: 100 } },
    );
    expect(results[0]!.failures).toEqual([]);
  });

  it('fails when inputs do not end in time, when a step cannot initialize and when one cannot flush', async () => {
    const { results } = await runIn(
      [listSource([]), behave('a', { hold: true }), sink],
      [{ name: 'held', timeoutMs: 50, input: [{ record: { n: 1 } }], expect: [{ count: 1 }] }],
    );
    expect(results[0]!.failures.map((f) => f.check)).toEqual(['timeout', 'count']);
    expect(results[0]!.failures[0]!.message).toMatch(/^timed out after 50 ms: input 1 did not end/);

    const init = await runIn(
      [listSource([]), behave('a', { failIn: 'initialize' }), sink],
      [{ name: 'init', input: [{ record: {} }], expect: [{ count: 1 }] }],
    );
    expect(init.results[0]!.failures).toEqual([
      expect.objectContaining({ check: 'initialize', step: 'a', message: 'cannot initialize' }),
    ]);
    const flush = await runIn(
      [listSource([]), behave('a', { failIn: 'shutdown' }), sink],
      [{ name: 'flush', input: [{ record: {} }], expect: [{ count: 1 }] }],
    );
    expect(flush.results[0]!.failures).toEqual([
      expect.objectContaining({ check: 'shutdown', step: 'a', message: 'cannot flush' }),
    ]);
  });

  it("fails a test whose config cannot be used, with the config's code", async () => {
    const { results } = await runIn(
      [listSource([]), behave('a', { colour: 'red' }), sink],
      [{ name: 'bad options', input: [], expect: [{ count: 0 }] }],
    );
    expect(results[0]!.failures).toEqual([
      expect.objectContaining({ check: 'config', code: 'TAPLINE_ERR_OPTIONS_INVALID' }),
    ]);
  });

  it("fails a test whose step's domain is a source its manifest does not declare, as run does", async () => {
    const { results } = await runIn(
      [listSource([]), { id: 'q', plugin: plugin('undeclared-source') }, sink],
      [{ name: 'undeclared', input: [{ record: {} }], expect: [{ count: 1 }] }],
    );
    expect(results[0]!.failures).toEqual([
      expect.objectContaining({
        check: 'config',
        code: 'TAPLINE_ERR_PLUGIN_INVALID',
        message: expect.stringContaining(`Step "q" (plugin test:undeclared-source)`),
      }),
    ]);
  });

  it("feeds frames through the zmq source's own decode without binding, and captures the exporter's writes", async () => {
    const pipeline = [
      // A port nobody may bind: the source must never try.
      { id: 'ingest', plugin: builtin('zmq-source'), options: { address: 'tcp://192.0.2.1:1' } },
      {
        id: 'export',
        plugin: builtin('exporter'),
        // The stamp shows the exporter's own execute ran, writing to the capture.
        options: { targets: [{ type: 'file', path: 'out.ndjson' }], timestampField: 'at' },
      },
    ];
    const { results, dir } = await runIn(pipeline, [
      {
        name: 'frames',
        input: [
          { frame: '{"a":1}' },
          { frameBase64: Buffer.from('{"b":').toString('base64') },
          { record: { c: 3 } },
        ],
        expect: [
          { contains: [{ a: 1 }, { c: 3 }], where: { field: 'at', gt: 0 } },
          { step: 'export', count: 2 },
          {
            failed: [
              {
                step: 'ingest',
                errorType: 'TAPLINE_ERR_DECODE',
                deadLetter: { payloadBase64: Buffer.from('{"b":').toString('base64') },
              },
            ],
          },
        ],
      },
    ]);
    expect(results[0]!.failures).toEqual([]);
    expect(await filesIn(dir)).toEqual(['package.json', 'pipeline.config.json', 'pipeline.test.json']);
  });

  it("checks which of the exporter's targets each record reached, by the targets' routes", async () => {
    const pipeline = [
      { id: 'ingest', plugin: builtin('zmq-source'), options: { address: 'tcp://192.0.2.1:1' } },
      {
        id: 'export',
        plugin: builtin('exporter'),
        options: {
          targets: [
            { name: 'errors', type: 'file', path: 'errors.ndjson', where: { field: 'level', eq: 'error' } },
            { name: 'archive', type: 'file', path: 'all.ndjson' },
          ],
        },
      },
    ];
    const input = [{ record: { n: 1, level: 'error' } }, { record: { n: 2, level: 'info' } }];
    const { results } = await runIn(pipeline, [
      {
        name: 'routes',
        input,
        expect: [
          { target: 'errors', records: [{ n: 1, level: 'error' }] },
          { target: 'archive', count: 2 },
          { count: 2 },
        ],
      },
      { name: 'wrong target', input, expect: [{ target: 'errors', count: 2 }] },
    ]);
    expect(results[0]!.failures).toEqual([]);
    expect(results[1]!.failures).toMatchObject([{ check: 'count', step: 'export/errors' }]);
  });

  it('reads metric values from the registry the steps registered in', async () => {
    const pipeline = [
      listSource([]),
      {
        id: 'metrics',
        plugin: builtin('metrics'),
        options: { counters: [{ name: 'seen_total', help: 'seen', labels: { kind: 'kind' } }] },
      },
      sink,
    ];
    const records = [{ kind: 'x' }, { kind: 'x' }, { kind: 'y' }].map((record) => ({ record }));
    const { results } = await runIn(pipeline, [
      {
        name: 'counts',
        input: records,
        expect: [
          {
            metrics: [
              { name: 'seen_total', value: 3 },
              { name: 'seen_total', labels: { kind: 'x' }, value: 2 },
            ],
          },
        ],
      },
      {
        name: 'wrong',
        input: records,
        expect: [
          {
            metrics: [
              { name: 'seen_total', labels: { kind: 'y' }, value: 2 },
              { name: 'nope', value: 1 },
            ],
          },
        ],
      },
    ]);
    expect(results[0]!.failures).toEqual([]);
    expect(results[1]!.failures.map((f) => f.message)).toEqual([
      expect.stringMatching(/seen_total\{kind="y"\} is 1, expected 2/),
      expect.stringMatching(/no metric "nope"; the registry has: .*seen_total/),
    ]);
    expect(results[1]!.failures[0]!.actual).toEqual([
      { labels: { kind: 'x' }, value: 2 },
      { labels: { kind: 'y' }, value: 1 },
    ]);
  });
});
