import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '@tapline/testkit';
import { parse as parseYaml } from 'yaml';
import { bin, getJson } from './cli-helpers.js';
import { Outside, freeZmqAddress } from './support/outside.js';

const outside = new Outside();
afterEach(() => outside.cleanup());

const node = process.execPath;
const tapline = (args: string[], cwd: string, env?: NodeJS.ProcessEnv) =>
  outside.exec(node, [bin, ...args], cwd, env);

/** Tests never listen on a fixed port: the starter's dashboard port becomes one the OS picks. */
async function anyHttpPort(file: string): Promise<void> {
  const text = await readFile(file, 'utf8');
  await writeFile(
    file,
    text.replace(/port: 9464|"port": 9464/, (m) => m.replace('9464', '0')),
  );
}

async function lines(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.split('\n').filter((l) => l !== '');
}

describe('tapline init, then the starter pipeline as a new user runs it', { timeout: 60_000 }, () => {
  it.each([
    ['JSON', [] as string[], 'pipeline.config.json'],
    ['YAML', ['--yaml'], 'pipeline.config.yaml'],
  ])(
    '%s: writes a starter that validates, passes its tests and runs records through',
    async (_, flags, name) => {
      const dir = await outside.dir('tapline-init-');
      const init = await tapline(['init', ...flags], dir);
      expect(init.code, init.output).toBe(0);
      const file = path.join(dir, name);
      const text = await readFile(file, 'utf8');
      const schema = name.endsWith('.json')
        ? (JSON.parse(text) as { $schema: string }).$schema
        : /^# yaml-language-server: \$schema=(\S+)$/m.exec(text)![1]!;
      expect(existsSync(path.resolve(dir, schema)), schema).toBe(true);
      if (name.endsWith('.yaml')) expect(parseYaml(text)).not.toHaveProperty('$schema');
      expect(await readFile(path.join(dir, '.gitignore'), 'utf8')).toMatch(/^out\/$/m);

      const validate = await tapline(['validate'], dir);
      expect(validate.code, validate.output).toBe(0);
      expect(validate.output).toContain(`${file} is valid.`);
      const tested = await tapline(['test'], dir);
      expect(tested.code, tested.output).toBe(0);
      expect(tested.output).toContain('2 passed, 0 failed');

      await anyHttpPort(file);
      const env = { ZMQ_ADDRESS: await freeZmqAddress() };
      const run = await outside.startRun(node, [bin, 'run'], dir, env);
      const sent = await tapline(['publish', '--count', '200'], dir, env);
      expect(sent.code, sent.output).toBe(0);
      const books = await eventually(async () => {
        const { accounting } = await getJson(run.url!, '/api/metrics');
        return accounting.received === 200 && accounting.inFlight === 0 ? accounting : undefined;
      });
      expect(books.completed + books.dropped).toBe(200);
      outside.signal(run.child, 'SIGINT');
      expect(await run.exit).toBe(0);
      expect(await lines(path.join(dir, 'out', 'records.ndjson'))).toHaveLength(books.completed);
    },
  );

  it('reloads a YAML config on save with --watch, as it does a JSON one', async () => {
    const dir = await outside.dir('tapline-watch-');
    expect((await tapline(['init', '--yaml'], dir)).code).toBe(0);
    const file = path.join(dir, 'pipeline.config.yaml');
    await anyHttpPort(file);
    const run = await outside.startRun(node, [bin, 'run', '--watch'], dir, {
      ZMQ_ADDRESS: await freeZmqAddress(),
    });
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('value: unknown', 'value: anonymous'));
    const reloaded = await eventually(() => run.logs.find((l) => l.msg?.startsWith('config reloaded')));
    expect(reloaded).toMatchObject({ reason: 'watch' });
    // A broken save is refused with its line and the pipeline runs on.
    await writeFile(file, `${text}runtime: [oops\n`);
    const refused = await eventually(() => run.logs.find((l) => l.msg?.startsWith('reload failed')));
    expect(JSON.stringify(refused)).toMatch(/pipeline\.config\.yaml:\d+:\d+/);
    outside.signal(run.child, 'SIGTERM');
    expect(await run.exit).toBe(0);
  });

  it('never replaces a config, and adds out/ to a .gitignore that is there', async () => {
    const dir = await outside.dir('tapline-init-');
    await writeFile(path.join(dir, '.gitignore'), 'node_modules/');
    expect((await tapline(['init'], dir)).code).toBe(0);
    expect(await readFile(path.join(dir, '.gitignore'), 'utf8')).toBe('node_modules/\nout/\n');
    const config = await readFile(path.join(dir, 'pipeline.config.json'), 'utf8');
    const again = await tapline(['init'], dir);
    expect(again.code).toBe(1);
    expect(again.output).toContain('already exists');
    expect(await readFile(path.join(dir, 'pipeline.config.json'), 'utf8')).toBe(config);
  });

  it('points validate and run without a config to tapline init, without a stack trace', async () => {
    const dir = await outside.dir('tapline-noconfig-');
    await writeFile(path.join(dir, 'package.json'), '{"private":true}\n');
    for (const command of ['validate', 'run']) {
      const { code, output } = await tapline([command], dir);
      expect(code, command).toBe(1);
      expect(output, command).toContain('tapline init');
      expect(output, command).toContain('TAPLINE_ERR_CONFIG_NOT_FOUND');
      expect(output, command).not.toMatch(/\n\s+at |"stack"/);
    }
  });

  it("reports a YAML config's problems with their line and column", async () => {
    const dir = await outside.dir('tapline-yaml-');
    await writeFile(
      path.join(dir, 'pipeline.config.yaml'),
      [
        'pipeline:',
        '  - id: ingest',
        '    plugin: "@tapline/plugin-zmq-source"',
        '    options:',
        '      address: tcp://127.0.0.1:5555',
        '      socket: pul',
        'runtime:',
        '  maxInFlight: -1',
        'runtime:',
        '  shutdownTimeoutMs: 100',
        '',
      ].join('\n'),
    );
    const { code, output } = await tapline(['validate', '--json'], dir);
    expect(code).toBe(1);
    const report = JSON.parse(output) as { problems: { path: string; line: number; column: number }[] };
    const at = (p: string) => report.problems.find((x) => x.path === p);
    expect(at('/pipeline/0/options/socket')).toMatchObject({ line: 6, column: 15 });
    expect(at('/runtime')).toMatchObject({ line: 9, column: 1 });
  });
});
