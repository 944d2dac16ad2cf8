import { cp, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repo } from './cli-helpers.js';
import { Outside, freeZmqAddress, readRecords, sendJson } from './support/outside.js';

// What a user who is not working on Tapline does: pack (`pnpm pack:all`), then in an empty
// folder of their own `npm install` the tarballs (third-party dependencies such as zeromq come
// from the npm registry, with npm's defaults: install scripts and all), then npx tapline.
const outside = new Outside();
let packs: string;
let app: string;

beforeAll(async () => {
  packs = await outside.dir('tapline-packs-');
  const packed = await outside.exec(process.execPath, ['scripts/pack-all.mjs', '--out', packs], repo);
  expect(packed.code, packed.output).toBe(0);
  const tarballs = (await readdir(packs)).filter((f) => f.endsWith('.tgz'));
  expect(tarballs).toHaveLength(9);
  app = await outside.dir('tapline-app-');
  await writeFile(path.join(app, 'package.json'), '{ "name": "my-pipeline", "private": true }\n');
  const installed = await outside.exec('npm', ['install', ...tarballs.map((t) => path.join(packs, t))], app);
  expect(installed.code, installed.output).toBe(0);
  // The README promises Node 20.19: no dependency may demand a newer engine.
  expect(installed.output).not.toContain('EBADENGINE');
}, 240_000);

afterAll(() => outside.cleanup());

// The cases share the installation but not a folder in it: they run at once, each mostly
// waiting on the processes it starts.
describe.concurrent(
  'Tapline installed from its packed tarballs with npm, outside the repository',
  { timeout: 60_000 },
  () => {
    it('validates and runs a config in that folder: a ZeroMQ message goes through the built-in plugins', async () => {
      const address = await freeZmqAddress();
      const config = {
        pipeline: [
          { id: 'ingest', plugin: '@tapline/plugin-zmq-source', options: { address } },
          {
            id: 'tag',
            plugin: '@tapline/plugin-processor',
            options: { steps: [{ type: 'set', field: 'via', value: 'npm' }] },
          },
          { id: 'metrics', plugin: '@tapline/plugin-metrics' },
          {
            id: 'export',
            plugin: '@tapline/plugin-exporter',
            options: { targets: [{ type: 'file', path: 'out.ndjson' }] },
          },
        ],
        monitor: { http: { host: '127.0.0.1', port: 0 } },
      };
      await writeFile(path.join(app, 'pipeline.config.json'), JSON.stringify(config, null, 2));

      const validated = await outside.exec('npx', ['--no-install', 'tapline', 'validate'], app);
      expect(validated.code, validated.output).toBe(0);
      const installed = path.join(app, 'node_modules', '@tapline', 'plugin-zmq-source', 'dist', 'index.js');
      expect(validated.output).toContain(`@tapline/plugin-zmq-source@0.1.0  ${installed}`);
      expect(validated.output).not.toContain(repo);

      const run = await outside.startRun('npx', ['--no-install', 'tapline', 'run'], app);
      await sendJson(address, [{ n: 1 }, { n: 2 }]);
      const records = await readRecords(path.join(app, 'out.ndjson'), 2);
      expect(records).toEqual([
        { n: 1, via: 'npm' },
        { n: 2, via: 'npm' },
      ]);
      // The dashboard's script, compiled from TypeScript, ships in the host's tarball.
      const page = await (await fetch(run.url!)).text();
      const entry = new URL(/<script type="module" src="([^"]+)"/.exec(page)![1]!, run.url);
      const main = await fetch(entry);
      expect(main.status).toBe(200);
      const imports = [...(await main.text()).matchAll(/^import .* from '(.+)';$/gm)];
      expect(imports.length).toBeGreaterThan(0);
      for (const [, spec] of imports) expect((await fetch(new URL(spec!, entry))).status, spec).toBe(200);
      // As Ctrl-C would: to npx and tapline both. npx ends by the signal; tapline stops cleanly.
      outside.signal(run.child, 'SIGTERM');
      await run.exit;
      const stopped = run.logs.find((l) => l.msg === 'pipeline stopped');
      expect(stopped).toMatchObject({ drained: true, accounting: { received: 2, completed: 2, failed: 0 } });
      expect(run.logs.find((l) => l.msg?.startsWith('loaded'))?.config).toBe(
        path.join(app, 'pipeline.config.json'),
      );
    });

    it('init there writes a starter whose $schema resolves in that installation, and which validates and passes its tests', async () => {
      const inited = await outside.exec('npx', ['--no-install', 'tapline', 'init', 'starter'], app);
      expect(inited.code, inited.output).toBe(0);
      const starter = path.join(app, 'starter');
      const { $schema } = JSON.parse(await readFile(path.join(starter, 'pipeline.config.json'), 'utf8'));
      expect(path.resolve(starter, $schema)).toBe(
        path.join(app, 'node_modules', '@tapline', 'host', 'schema', 'pipeline.config.schema.json'),
      );
      for (const command of ['validate', 'test']) {
        const done = await outside.exec('npx', ['--no-install', 'tapline', command], starter);
        expect(done.code, `tapline ${command}\n${done.output}`).toBe(0);
      }
    });

    // One scaffold, copied before either installs: new-plugin runs once, and each package manager
    // gets the same untouched package.
    let scaffolded: Promise<string> | undefined;
    async function scaffold(): Promise<string> {
      const created = await outside.exec(
        'npx',
        ['--no-install', 'tapline', 'new-plugin', 'shout', '--dir', 'shout'],
        app,
      );
      expect(created.code, created.output).toBe(0);
      const plugin = path.join(app, 'shout');
      const pkg = JSON.parse(await readFile(path.join(plugin, 'package.json'), 'utf8'));
      expect(pkg.devDependencies).toMatchObject({
        '@tapline/cli': 'file:tapline-packages/tapline-cli-0.1.0.tgz',
        '@tapline/core': 'file:tapline-packages/tapline-core-0.1.0.tgz',
        '@tapline/host': 'file:tapline-packages/tapline-host-0.1.0.tgz',
        '@tapline/testkit': 'file:tapline-packages/tapline-testkit-0.1.0.tgz',
      });
      expect(pkg.overrides).toMatchObject({
        '@tapline/plugin-zmq-source': 'file:tapline-packages/tapline-plugin-zmq-source-0.1.0.tgz',
      });
      expect(await readFile(path.join(plugin, 'README.md'), 'utf8')).toContain(
        'npm install --save-dev @tapline/core@^0.1.0 @tapline/testkit@^0.1.0',
      );
      return plugin;
    }

    it.each(['npm', 'pnpm'])(
      "new-plugin there writes a package that installs with %s from that installation, builds, and passes its tests and its sample pipeline's",
      async (pm) => {
        const scaffoldDir = await (scaffolded ??= scaffold());
        const plugin = path.join(app, `shout-${pm}`);
        await cp(scaffoldDir, plugin, { recursive: true });
        let tested = '';
        for (const step of [['install'], ['run', 'build'], ['test']]) {
          const done = await outside.exec(pm, step, plugin);
          expect(done.code, `${pm} ${step.join(' ')}\n${done.output}`).toBe(0);
          tested = done.output;
        }
        // npm test ran the contract suite, then the sample pipeline's tests with tapline test.
        expect(tested).toMatch(/Tests\s+10 passed/);
        expect(tested).toMatch(/^3 passed, 0 failed$/m);
      },
      180_000,
    );
  },
);
