import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { testFileJsonSchema, testSchemaPath } from '../../src/config-tests/test-file-json-schema.js';
import { caught, removeTempDirs } from '../helpers.js';
import { chain, findTests, tempDir, writeConfig } from './config-tests-helpers.js';

afterAll(removeTempDirs);

const test = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  input: [{ record: { n: 1 } }],
  expect: [{ count: 1 }],
  ...extra,
});

describe('findTests', () => {
  it("finds the config's own tests and every *.test.json beside it, each test with its config", async () => {
    const dir = await tempDir();
    const config = await writeConfig(dir, {
      pipeline: chain(),
      tests: [test('inside', { input: [{ record: { text: '${NOT_A_VARIABLE}' } }] })],
    });
    await writeFile(path.join(dir, 'b.test.json'), JSON.stringify({ tests: [test('b')] }));
    await writeFile(
      path.join(dir, 'a.test.json'),
      JSON.stringify({ tests: [test('a1'), test('a2', { config: 'other.json' })] }),
    );
    await writeFile(path.join(dir, 'notes.json'), '{}');
    const found = await findTests({ cwd: dir });
    expect(
      found.map((t) => [t.test.name, path.basename(t.file), t.pointer, path.basename(t.config)]),
    ).toEqual([
      ['inside', 'pipeline.config.json', '/tests/0', 'pipeline.config.json'],
      ['a1', 'a.test.json', '/tests/0', 'pipeline.config.json'],
      ['a2', 'a.test.json', '/tests/1', 'other.json'],
      ['b', 'b.test.json', '/tests/0', 'pipeline.config.json'],
    ]);
    // A config's tests are data: `${…}` in them is not read from the environment.
    await expect(loadConfig({ config, env: {} })).resolves.toMatchObject({ file: config });
    // Named as a file to test, a config gives its own tests.
    const named = await findTests({ cwd: dir, files: ['pipeline.config.json'] });
    expect(named.map((t) => [t.test.name, t.config])).toEqual([['inside', config]]);
  });

  it('reads only the files named, with --config as the config of tests that name none', async () => {
    const dir = await tempDir();
    await writeConfig(dir, { pipeline: chain() });
    await writeFile(path.join(dir, 'one.json'), JSON.stringify({ tests: [test('one')] }));
    await writeFile(path.join(dir, 'ignored.test.json'), JSON.stringify({ tests: [test('ignored')] }));
    const found = await findTests({ cwd: dir, files: ['one.json'], config: 'elsewhere.json' });
    expect(found.map((t) => [t.test.name, t.config])).toEqual([['one', path.join(dir, 'elsewhere.json')]]);
  });

  it('reports every problem of a test file with its line and column', async () => {
    const dir = await tempDir();
    await writeConfig(dir, { pipeline: chain() });
    const text = [
      '{',
      '  "tests": [',
      '    { "name": "x", "input": [{ "record": {}, "frame": "" }], "expect": [] },',
      '    { "name": "y", "input": [], "expect": [{ "cuont": 1 }] }',
      '  ]',
      '}',
    ].join('\n');
    await writeFile(path.join(dir, 'bad.test.json'), text);
    const err = await caught(() => findTests({ cwd: dir }));
    expect(err).toMatchObject({ code: 'TAPLINE_ERR_TEST_INVALID', file: path.join(dir, 'bad.test.json') });
    expect(err.problems.map((p: { path: string; line: number }) => [p.path, p.line])).toEqual([
      ['/tests/0/input/0', 3],
      ['/tests/0/expect', 3],
      ['/tests/1/expect/0/cuont', 4],
    ]);
    expect(err.problems[2].message).toContain('did you mean "count"');

    await writeFile(path.join(dir, 'bad.test.json'), '{ "tests": [ }');
    expect(await caught(() => findTests({ cwd: dir }))).toMatchObject({ code: 'TAPLINE_ERR_TEST_PARSE' });
  });

  it('says where to write tests when there are none', async () => {
    const dir = await tempDir();
    await writeConfig(dir, { pipeline: chain() });
    const err = await caught(() => findTests({ cwd: dir }));
    expect(err).toMatchObject({ code: 'TAPLINE_ERR_TEST_NOT_FOUND' });
    expect(err.message).toContain('.test.json');
  });

  it('ships the JSON Schema it validates with, built from the TypeBox schema', async () => {
    const shipped = JSON.parse(await readFile(testSchemaPath, 'utf8'));
    expect(shipped, 'run `pnpm --filter @tapline/host schema` after a build').toEqual(testFileJsonSchema());
  });
});
