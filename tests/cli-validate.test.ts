import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultPipeline, freePort, pluginPath, tapline, writeTempConfig } from './cli-helpers.js';

describe('tapline validate', { timeout: 30_000 }, () => {
  it('prints the chain of a good config, opening nothing', async () => {
    // The source's port is taken: validate must not try to bind it.
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { file, dir } = await writeTempConfig(defaultPipeline(`tcp://127.0.0.1:${port}`));
      const result = await tapline(['validate', '--config', file]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`${file} is valid.`);
      expect(result.stdout).toMatch(/1\. ingest\s+tapline:zmq-source\s+bytes → record/);
      expect(result.stdout).toMatch(/2\. enrich\s+tapline:processor\s+record → record/);
      expect(result.stdout).toMatch(/3\. export\s+tapline:exporter\s+json → receipt/);
      expect(existsSync(path.join(dir, 'out.ndjson'))).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it('finds pipeline.config.json from the working directory and prints JSON with --json', async () => {
    const { dir } = await writeTempConfig(defaultPipeline(`tcp://127.0.0.1:${await freePort()}`));
    const result = await tapline(['validate', '--json'], { cwd: dir });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ ok: true, file: path.join(dir, 'pipeline.config.json') });
    expect(report.steps.map((s: Record<string, string>) => [s.id, s.input, s.output])).toEqual([
      ['ingest', 'bytes', 'record'],
      ['enrich', 'record', 'record'],
      ['export', 'json', 'receipt'],
    ]);
  });

  it("prints each of the exporter's targets with its route and its policy when full", async () => {
    const config = defaultPipeline(`tcp://127.0.0.1:${await freePort()}`);
    config.pipeline[2]!.options = {
      targets: [
        {
          name: 'next-hop',
          type: 'zmq',
          address: 'tcp://127.0.0.1:1',
          where: { field: 'level', eq: 'error' },
          buffer: { maxRecords: 5000, whenFull: 'drop_newest' },
        },
        { name: 'archive', type: 'file', path: 'all.ndjson' },
      ],
    };
    const { file } = await writeTempConfig(config);
    const text = await tapline(['validate', '--config', file]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /next-hop\s+zmq\s+takes where \{"field":"level","eq":"error"\}; when full \(5000 records or 16777216 bytes\): drop_newest/,
    );
    expect(text.stdout).toMatch(
      /archive\s+file\s+takes every record; when full \(10000 records or 16777216 bytes\): block/,
    );
    const json = JSON.parse((await tapline(['validate', '--config', file, '--json'])).stdout);
    expect(json.steps[2].outputs).toEqual([
      {
        name: 'next-hop',
        type: 'zmq',
        route: 'where {"field":"level","eq":"error"}',
        whenFull: 'drop_newest',
        maxRecords: 5000,
        maxBytes: 16777216,
      },
      {
        name: 'archive',
        type: 'file',
        route: 'every record',
        whenFull: 'block',
        maxRecords: 10000,
        maxBytes: 16777216,
      },
    ]);
  });

  it('lists every problem of a broken file with file:line:column, and exits 1', async () => {
    const text = [
      '{',
      '  "pipeline": [',
      `    { "id": "ingest", "plugin": ${JSON.stringify(pluginPath('zmq-source'))} }`,
      '  ],',
      '  "runtime": { "maxInFlight": "many" },',
      '  "monitr": {}',
      '}',
    ].join('\n');
    const { file } = await writeTempConfig(text);
    const result = await tapline(['validate', '--config', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file}:5:`);
    expect(result.stderr).toContain(`${file}:6:`);
    expect(result.stderr).toContain('TAPLINE_ERR_CONFIG_INVALID');

    const json = await tapline(['validate', '--config', file, '--json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ ok: false, code: 'TAPLINE_ERR_CONFIG_INVALID', file });
    expect(report.problems.map((p: { line: number }) => p.line).sort()).toEqual([5, 6]);
  });

  it("lists every step's bad options at once", async () => {
    const config = defaultPipeline('tcp://127.0.0.1:1');
    config.pipeline[1]!.options.steps = [{ type: 'set' }];
    config.pipeline[2]!.options.targets = 'everywhere';
    const { file } = await writeTempConfig(config);
    const result = await tapline(['validate', '--config', file, '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.code).toBe('TAPLINE_ERR_OPTIONS_INVALID');
    const paths = report.problems.map((p: { path: string }) => p.path);
    expect(paths.some((p: string) => p.startsWith('/pipeline/1/options/steps/0'))).toBe(true);
    expect(paths.some((p: string) => p.startsWith('/pipeline/2/options/targets'))).toBe(true);
    for (const p of report.problems) expect(p.line).toBeGreaterThan(0);
  });

  it("lists the problems of a plugin's create that refused its options, under the plugin's failure", async () => {
    const config = defaultPipeline('tcp://127.0.0.1:1');
    config.pipeline.splice(1, 0, {
      id: 'refuse',
      plugin: path.join(import.meta.dirname, 'fixtures/refusing-step.mjs'),
      options: {},
    });
    const { file } = await writeTempConfig(config);
    const result = await tapline(['validate', '--config', file, '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      code: 'TAPLINE_ERR_PLUGIN_FAILED',
      causeCode: 'TAPLINE_ERR_OPTIONS_INVALID',
    });
    expect(report.problems.map((p: { message: string }) => p.message)).toEqual([
      'the first problem',
      'the second problem',
    ]);
  });

  it('refuses a chain whose types do not fit, naming both steps', async () => {
    const config = defaultPipeline('tcp://127.0.0.1:1');
    config.pipeline[0]!.options = { address: 'tcp://127.0.0.1:1', decode: 'raw' };
    const { file } = await writeTempConfig(config);
    const result = await tapline(['validate', '--config', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('TAPLINE_ERR_TYPE_MISMATCH');
    expect(result.stderr).toContain('ingest');
    expect(result.stderr).toContain('enrich');
  });

  it('names a plugin that cannot be found', async () => {
    const config = defaultPipeline('tcp://127.0.0.1:1');
    config.pipeline[1]!.plugin = 'tapline-plugin-does-not-exist';
    const { file } = await writeTempConfig(config);
    const result = await tapline(['validate', '--config', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('TAPLINE_ERR_PLUGIN_NOT_FOUND');
    expect(result.stderr).toContain('tapline-plugin-does-not-exist');
  });

  it('says that it runs plugin code, and which plugin files lie outside the config folder', async () => {
    const { file } = await writeTempConfig(defaultPipeline('tcp://127.0.0.1:1'));
    const result = await tapline(['validate', '--config', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('plugins are code you choose to run');
    expect(result.stdout).toContain(pluginPath('processor'));
  });

  it('refuses a duplicate key, naming both lines', async () => {
    const steps = JSON.stringify(defaultPipeline('tcp://127.0.0.1:1').pipeline);
    const { file } = await writeTempConfig(`{\n  "pipeline": ${steps},\n  "pipeline": ${steps}\n}\n`);
    const result = await tapline(['validate', '--config', file, '--json']);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.problems).toEqual([
      expect.objectContaining({ path: '/pipeline', line: 3, message: expect.stringContaining('line 2') }),
    ]);
  });

  it('refuses a pattern the linear-time engine cannot run, with the reason and its path', async () => {
    const config = defaultPipeline('tcp://127.0.0.1:1');
    config.pipeline[1]!.options = { steps: [{ type: 'filter', where: { field: 'a', matches: '(a)\\1' } }] };
    const { file } = await writeTempConfig(config);
    const result = await tapline(['validate', '--config', file, '--json']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).problems).toEqual([
      expect.objectContaining({
        path: '/pipeline/1/options/steps/0/where/matches',
        message: expect.stringContaining('backreferences are not supported'),
      }),
    ]);
  });
});

describe('tapline new-plugin', { timeout: 30_000 }, () => {
  it('creates a plugin package where --dir says', async () => {
    const { dir } = await writeTempConfig({});
    const target = path.join(dir, 'geo');
    const result = await tapline(['new-plugin', 'geo', '--dir', target], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Created tapline-plugin-geo');
    for (const f of ['package.json', 'src/index.ts', 'src/options.ts', 'src/geo-domain.ts', 'README.md']) {
      expect(existsSync(path.join(target, f)), f).toBe(true);
    }
  });

  it('needs a name', async () => {
    const result = await tapline(['new-plugin']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('needs a NAME');
  });
});
