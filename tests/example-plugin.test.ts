import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHost, loadConfig, type Host } from '@tapline/host';
import { eventually } from '@tapline/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('..', import.meta.url));
const exampleDir = path.join(repo, 'examples/dedupe');

// A source that takes in the records of its options when started: the smallest real source.
const LIST_SOURCE = `import { API_VERSION, SourceDomain, Type, definePlugin } from '@tapline/core';
class ListSource extends SourceDomain {
  constructor(records, ctx) { super(ctx); this.records = records; }
  execute(record) { return record; }
  async start() {
    for (const record of this.records) {
      if (!this.intake.hasCapacity) await this.intake.waitForCapacity();
      await this.ingest(record);
    }
  }
  async stop() {}
}
export default definePlugin({
  name: 'test:list-source', apiVersion: API_VERSION, kind: 'source', input: 'record', output: 'record',
  options: Type.Object({ records: Type.Array(Type.Object({})) }),
  create: (options, ctx) => new ListSource(options.records, ctx),
});
`;

const records = [
  { id: 'a' },
  { id: 'b' },
  { id: 'a', n: 2 },
  { id: 'c' },
  { id: 'b', n: 2 },
  { id: 'a', n: 3 },
];

let dir: string;

/** Links a folder into the temp dir's node_modules, as an install would. */
async function install(name: string, target: string): Promise<void> {
  const link = path.join(dir, 'node_modules', name);
  await mkdir(path.dirname(link), { recursive: true });
  await symlink(target, link, 'dir');
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'tapline-example-'));
  await writeFile(path.join(dir, 'package.json'), '{"name":"tapline-example-test","private":true}\n');
  await writeFile(path.join(dir, 'list-source.mjs'), LIST_SOURCE);
  await install('@tapline/core', path.join(repo, 'packages/core'));
  await install('tapline-plugin-dedupe', exampleDir);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Loads a config naming the dedupe plugin as `plugin`, runs the records through, and stops. */
async function runWith(plugin: string): Promise<{ host: Host; report: Awaited<ReturnType<Host['stop']>> }> {
  const config = {
    pipeline: [
      { id: 'feed', plugin: './list-source.mjs', options: { records } },
      { id: 'dedupe', plugin, options: { key: 'id', windowMs: 60_000 } },
    ],
    deadLetter: false,
    monitor: { http: false },
  };
  await writeFile(path.join(dir, 'pipeline.config.json'), JSON.stringify(config, null, 2));
  const host = await createHost(await loadConfig({ cwd: dir }));
  await host.start();
  await eventually(
    () => {
      const { received, inFlight } = host.getMetrics().accounting;
      return received === records.length && inFlight === 0;
    },
    { what: 'every record to be handled' },
  );
  return { host, report: await host.stop() };
}

describe('examples/dedupe in a pipeline', () => {
  const ways = [
    // From a temp dir the built example is up and across: `./../../work/.../dist/index.js`.
    [
      'by a path relative to the config',
      () => `./${path.relative(dir, path.join(exampleDir, 'dist/index.js'))}`,
    ],
    ['by package name from node_modules', () => 'tapline-plugin-dedupe'],
  ] as const;

  for (const [how, specifier] of ways) {
    it(`loads ${how}, drops duplicates and counts them`, async () => {
      const plugin = specifier();
      const { host, report } = await runWith(plugin);
      expect(host.steps.map((s) => [s.id, s.plugin, s.specifier, s.input, s.output])).toEqual([
        ['feed', 'test:list-source', './list-source.mjs', 'record', 'record'],
        ['dedupe', 'tapline-plugin-dedupe', plugin, 'record', 'record'],
      ]);
      expect(report.drained).toBe(true);
      expect(report.errors).toEqual([]);
      expect(report.accounting).toMatchObject({
        received: 6,
        completed: 3,
        dropped: 3,
        failed: 0,
        inFlight: 0,
      });
      expect(host.getMetrics().operations['dedupe.handle']).toMatchObject({
        success: 6,
        dropped: 3,
        errors: 0,
      });
      const counter = await host.registry.getSingleMetricAsString('tapline_dedupe_duplicates_total');
      expect(counter).toContain('tapline_dedupe_duplicates_total{step="dedupe"} 3');
    });
  }
});
