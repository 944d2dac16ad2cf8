import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config.js';
import { configSchemaPath } from '../src/config/schema.js';
import { caught, removeTempDirs, tempDir, writeConfig } from './helpers.js';

afterAll(removeTempDirs);

const source = { id: 'in', plugin: './plugins/source.mjs' };

describe('loadConfig', () => {
  it('finds pipeline.config.json from a subdirectory and fills every default', async () => {
    const dir = await tempDir();
    const file = await writeConfig(dir, { pipeline: [source, { plugin: '@tapline/plugin-processor' }] });
    const sub = path.join(dir, 'a', 'b');
    await mkdir(sub, { recursive: true });
    const config = await loadConfig({ cwd: sub });
    expect(config.file).toBe(file);
    expect(config.dir).toBe(dir);
    expect(config.runtime).toEqual({ maxInFlight: 1024, batchMax: 256, shutdownTimeoutMs: 10000 });
    expect(config.deadLetter).toEqual({
      path: path.join(dir, 'dead-letters.ndjson'),
      maxPayloadBytes: 65536,
      rotateBytes: 104857600,
      rotateKeep: 5,
    });
    expect(config.monitor).toEqual({
      durationsWindow: 1000,
      http: { host: '127.0.0.1', port: 9464, unauthenticated: false },
    });
    expect(config.log).toEqual({ level: 'info' });
    expect(config.pipeline.map((s) => [s.id, s.enabled, s.options])).toEqual([
      ['in', true, {}],
      ['processor', true, {}],
    ]);
    expect(JSON.parse(JSON.stringify(config)).source).toBeUndefined();
  });

  it('loads an explicit file, and keeps false for deadLetter and monitor.http', async () => {
    const dir = await tempDir();
    await writeConfig(
      dir,
      { pipeline: [source], deadLetter: false, monitor: { http: false } },
      'conf/p.json',
    );
    const config = await loadConfig({ cwd: dir, config: 'conf/p.json' });
    expect(config.dir).toBe(path.join(dir, 'conf'));
    expect(config.deadLetter).toBe(false);
    expect(config.monitor.http).toBe(false);
  });

  it('reports a missing explicit file and a search that finds nothing', async () => {
    const dir = await tempDir();
    const named = await caught(() => loadConfig({ cwd: dir, config: 'nope.json' }));
    expect(named.code).toBe('TAPLINE_ERR_CONFIG_NOT_FOUND');
    expect(named.searchedFrom).toBe(path.join(dir, 'nope.json'));
    const searched = await caught(() => loadConfig({ cwd: dir }));
    expect(searched.code).toBe('TAPLINE_ERR_CONFIG_NOT_FOUND');
  });

  it('reports malformed JSON with its line and column', async () => {
    const dir = await tempDir();
    await writeConfig(
      dir,
      '{\n  "pipeline": [\n    { "plugin": "./a.mjs" }\n    { "plugin": "./b.mjs" }\n  ]\n}\n',
    );
    const err = await caught(() => loadConfig({ cwd: dir }));
    expect(err.code).toBe('TAPLINE_ERR_CONFIG_PARSE');
    expect(err.problems[0]).toMatchObject({ line: 4, column: 5 });
    expect(err.message).toContain('pipeline.config.json:4:5');
  });

  it('reports an empty file found by the search as a parse error', async () => {
    const dir = await tempDir();
    await writeConfig(dir, '');
    expect((await caught(() => loadConfig({ cwd: dir }))).code).toBe('TAPLINE_ERR_CONFIG_PARSE');
  });

  it('reports every schema problem at once, with paths, lines and a did-you-mean', async () => {
    const dir = await tempDir();
    const text = [
      '{',
      '  "pipeline": [',
      '    { "plugin": "./a.mjs", "optoins": {} },',
      '    { "id": "x" }',
      '  ],',
      '  "runtime": { "maxInFlight": 0 },',
      '  "monitor": { "http": { "port": "80" } },',
      '  "logg": {}',
      '}',
    ].join('\n');
    await writeConfig(dir, text);
    const err = await caught(() => loadConfig({ cwd: dir }));
    expect(err.code).toBe('TAPLINE_ERR_CONFIG_INVALID');
    const byPath = Object.fromEntries(err.problems.map((p: any) => [p.path, p]));
    expect(Object.keys(byPath).sort()).toEqual([
      '/logg',
      '/monitor/http/port',
      '/pipeline/0/optoins',
      '/pipeline/1/plugin',
      '/runtime/maxInFlight',
    ]);
    expect(byPath['/pipeline/0/optoins']).toMatchObject({ line: 3, column: 28 });
    expect(byPath['/pipeline/0/optoins'].message).toContain('did you mean "options"');
    expect(byPath['/logg'].message).toContain('did you mean "log"');
    expect(byPath['/pipeline/1/plugin']).toMatchObject({ line: 4 });
    expect(byPath['/runtime/maxInFlight']).toMatchObject({ line: 6, column: 31 });
    expect(byPath['/monitor/http/port']).toMatchObject({ line: 7 });
  });

  it('fills ${VAR} and ${VAR:-default}, and names an unset variable with its path and line', async () => {
    const dir = await tempDir();
    const options = { address: '${ADDR}', fallback: '${NOPE:-tcp://x:1}', literal: '$${ADDR}' };
    await writeConfig(dir, {
      pipeline: [{ ...source, options }],
      deadLetter: { path: '${DL_DIR}/dl.ndjson' },
    });
    const config = await loadConfig({ cwd: dir, env: { ADDR: 'tcp://127.0.0.1:5555', DL_DIR: 'out' } });
    expect(config.pipeline[0]!.options).toEqual({
      address: 'tcp://127.0.0.1:5555',
      fallback: 'tcp://x:1',
      literal: '${ADDR}',
    });
    expect(config.deadLetter).toEqual({
      path: path.join(dir, 'out', 'dl.ndjson'),
      maxPayloadBytes: 65536,
      rotateBytes: 104857600,
      rotateKeep: 5,
    });

    const err = await caught(() => loadConfig({ cwd: dir, env: { DL_DIR: 'out' } }));
    expect(err.code).toBe('TAPLINE_ERR_ENV_UNSET');
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatchObject({ path: '/pipeline/0/options/address', line: 7 });
    expect(err.problems[0].message).toContain('ADDR');
  });

  it('defaults step ids to the plugin short name and refuses duplicates among enabled steps', async () => {
    const dir = await tempDir();
    const pipeline = [
      source,
      { plugin: './x/enrich.js' },
      { plugin: '@tapline/plugin-processor', enabled: false },
      { plugin: '@tapline/plugin-processor' },
    ];
    const config = await loadConfig({ cwd: dir, config: await writeConfig(dir, { pipeline }) });
    expect(config.pipeline.map((s) => [s.id, s.enabled])).toEqual([
      ['in', true],
      ['enrich', true],
      ['processor', false],
      ['processor', true],
    ]);

    await writeConfig(dir, {
      pipeline: [source, { plugin: './enrich.mjs' }, { id: 'enrich', plugin: './b.mjs' }],
    });
    const err = await caught(() => loadConfig({ cwd: dir }));
    expect(err.code).toBe('TAPLINE_ERR_CONFIG_INVALID');
    expect(err.problems).toEqual([expect.objectContaining({ path: '/pipeline/2/id', line: 11, column: 13 })]);
  });

  it('ships a schema the repository config can point at', async () => {
    const dir = await tempDir();
    const file = await writeConfig(dir, { $schema: configSchemaPath, pipeline: [source] });
    expect((await loadConfig({ config: file })).pipeline).toHaveLength(1);
  });
});
