import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, repo, startRun, tapline, writeTempConfig } from './cli-helpers.js';
import { readRecords } from './support/outside.js';

// Configs in temp dirs outside the repository: no node_modules next to them, so every built-in
// plugin must come from the Tapline installation running the command.
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

async function outside(config: unknown): Promise<{ dir: string; file: string }> {
  const written = await writeTempConfig(config);
  dirs.push(written.dir);
  expect(path.relative(repo, written.dir).startsWith('..')).toBe(true);
  return written;
}

const builtins = (address: string) => ({
  pipeline: [
    { id: 'ingest', plugin: '@tapline/plugin-zmq-source', options: { address } },
    {
      id: 'tag',
      plugin: '@tapline/plugin-processor',
      options: { steps: [{ type: 'set', field: 'seen', value: 'outside' }] },
    },
    { id: 'metrics', plugin: '@tapline/plugin-metrics' },
    {
      id: 'export',
      plugin: '@tapline/plugin-exporter',
      options: { targets: [{ type: 'file', path: 'out.ndjson' }] },
    },
  ],
  deadLetter: { path: 'dead-letters.ndjson' },
  monitor: { http: { host: '127.0.0.1', port: 0 } },
});

describe('a config outside the repository', { timeout: 30_000 }, () => {
  it("validates the repository's own pipeline.config.json copied elsewhere, saying where each plugin came from", async () => {
    const { dir } = await outside({});
    const file = path.join(dir, 'pipeline.config.json');
    await copyFile(path.join(repo, 'pipeline.config.json'), file);
    const result = await tapline(['validate', '--config', file], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const name of ['zmq-source', 'processor', 'metrics', 'exporter']) {
      const line = result.stdout.split('\n').find((l) => l.includes(`@tapline/plugin-${name}@0.1.0`));
      expect(line, name).toContain(path.join(repo, 'plugins', name, 'dist', 'index.js'));
      expect(line, name).toContain('(the Tapline installation)');
    }
    const json = JSON.parse((await tapline(['validate', '--config', file, '--json'])).stdout);
    expect(json.steps[0].loadedFrom).toEqual({
      from: 'installation',
      package: '@tapline/plugin-zmq-source',
      version: '0.1.0',
      file: path.join(repo, 'plugins', 'zmq-source', 'dist', 'index.js'),
    });
  });

  it('runs the built-in plugins by package name: a message sent over ZeroMQ is exported', async () => {
    const address = `tcp://127.0.0.1:${await freePort()}`;
    const { dir, file } = await outside(builtins(address));
    const run = await startRun(file);
    try {
      const sent = await tapline(['publish', '--address', address, '--count', '3']);
      expect(sent.code).toBe(0);
      const out = path.join(dir, 'out.ndjson');
      const records = await readRecords(out, 3);
      expect(records.map((r) => r.seen)).toEqual(['outside', 'outside', 'outside']);
    } finally {
      run.child.kill('SIGTERM');
    }
    expect((await run.exit).code).toBe(0);
  });

  it('prefers a package installed next to the config, and loads a plugin by a path relative to it', async () => {
    const { dir, file } = await outside(builtins('tcp://127.0.0.1:1'));
    // The user's own copy of the processor, a different version, wins over the installation's.
    const own = path.join(dir, 'node_modules', '@tapline', 'plugin-processor');
    await mkdir(own, { recursive: true });
    const real = path.join(repo, 'plugins', 'processor', 'dist', 'index.js');
    await writeFile(
      path.join(own, 'package.json'),
      JSON.stringify({
        name: '@tapline/plugin-processor',
        version: '9.9.9-local',
        type: 'module',
        main: 'index.js',
      }),
    );
    await writeFile(path.join(own, 'index.js'), `export { default } from ${JSON.stringify(real)};\n`);
    await mkdir(path.join(dir, 'my-plugins'));
    await writeFile(
      path.join(dir, 'my-plugins', 'export.mjs'),
      `export { default } from ${JSON.stringify(path.join(repo, 'plugins', 'exporter', 'dist', 'index.js'))};\n`,
    );
    const config = builtins('tcp://127.0.0.1:1');
    config.pipeline[3]!.plugin = './my-plugins/export.mjs';
    await writeFile(file, JSON.stringify(config));
    const result = await tapline(['validate', '--config', file, '--json']);
    expect(result.code).toBe(0);
    const from = Object.fromEntries(
      JSON.parse(result.stdout).steps.map((s: any) => [s.id, [s.loadedFrom.from, s.loadedFrom.version]]),
    );
    expect(from).toEqual({
      ingest: ['installation', '0.1.0'],
      tag: ['config', '9.9.9-local'],
      metrics: ['installation', '0.1.0'],
      export: ['path', undefined],
    });
    expect(JSON.parse(result.stdout).steps[3].loadedFrom.file).toBe(
      path.join(dir, 'my-plugins', 'export.mjs'),
    );
  });

  it('tests the config with tapline test, the built-in plugins found by package name', async () => {
    const { dir } = await outside(builtins('tcp://127.0.0.1:1'));
    const tests = [
      {
        name: 'every record is tagged',
        input: [{ record: { n: 1 } }],
        expect: [{ records: [{ n: 1, seen: 'outside' }] }],
      },
    ];
    await writeFile(path.join(dir, 'pipeline.test.json'), JSON.stringify({ tests }));
    const result = await tapline(['test'], { cwd: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 0 failed');
  });

  it('names every place it looked for a package that is nowhere', async () => {
    const config = builtins('tcp://127.0.0.1:1');
    config.pipeline[1]!.plugin = 'tapline-plugin-nowhere';
    const { dir, file } = await outside(config);
    const result = await tapline(['validate', '--config', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('TAPLINE_ERR_PLUGIN_NOT_FOUND');
    expect(result.stderr).toContain(`config's folder ${dir}`);
    expect(result.stderr).toContain(path.join(repo, 'packages', 'cli'));
    expect(result.stderr).toContain(path.join(repo, 'packages', 'host'));
    expect(result.stderr).toContain('npm install tapline-plugin-nowhere');
  });
});
