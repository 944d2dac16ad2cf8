import { Type } from '@tapline/core';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load-config.js';
import { validatePluginOptions } from '../src/config/plugin-options.js';
import { caught, removeTempDirs, tempDir, writeConfig } from './helpers.js';

afterAll(removeTempDirs);

const manifest = {
  name: 'test:opts',
  options: Type.Object(
    {
      address: Type.String({ default: '${OPTS_ADDR:-tcp://127.0.0.1:5555}' }),
      batch: Type.Integer({ minimum: 1, default: 10 }),
      mode: Type.Union([Type.Literal('fast'), Type.Literal('safe')], { default: 'safe' }),
      pattern: Type.Optional(Type.String()),
    },
    { additionalProperties: false },
  ),
  check: (o: { pattern?: string }) => {
    try {
      if (o.pattern !== undefined) new RegExp(o.pattern);
      return [];
    } catch {
      return [{ path: '/pattern', message: 'is not a regular expression' }];
    }
  },
};

describe('validatePluginOptions', () => {
  it('applies defaults, filling ${VAR} in them, and leaves the input untouched', () => {
    const raw = { batch: 5 };
    const options = validatePluginOptions(manifest, raw, { env: { OPTS_ADDR: 'tcp://10.0.0.1:1' } });
    expect(options).toEqual({ address: 'tcp://10.0.0.1:1', batch: 5, mode: 'safe' });
    expect(raw).toEqual({ batch: 5 });
    expect(validatePluginOptions(manifest, undefined, { env: {} }).address).toBe('tcp://127.0.0.1:5555');
  });

  it('reports every problem with its path, line and column in the config file', async () => {
    const dir = await tempDir();
    const text = [
      '{',
      '  "pipeline": [',
      '    { "plugin": "./in.mjs" },',
      '    { "id": "p", "plugin": "./p.mjs", "options": {',
      '      "batch": 0,',
      '      "mdoe": "fast"',
      '    } }',
      '  ]',
      '}',
    ].join('\n');
    await writeConfig(dir, text);
    const config = await loadConfig({ cwd: dir });
    const step = config.pipeline[1]!;
    const err = await caught(() =>
      validatePluginOptions(manifest, step.options, {
        source: config.source,
        pointer: `${step.pointer}/options`,
        step: step.id,
      }),
    );
    expect(err).toMatchObject({ code: 'TAPLINE_ERR_OPTIONS_INVALID', step: 'p', plugin: 'test:opts' });
    expect(err.file).toBe(config.file);
    const byPath = Object.fromEntries(err.problems.map((p: any) => [p.path, p]));
    expect(byPath['/pipeline/1/options/batch']).toMatchObject({ line: 5, column: 16 });
    expect(byPath['/pipeline/1/options/mdoe']).toMatchObject({ line: 6, column: 7 });
    expect(byPath['/pipeline/1/options/mdoe'].message).toContain('did you mean "mode"');
  });

  it('adds the manifest check problems after the schema passes', async () => {
    const err = await caught(() =>
      validatePluginOptions(manifest, { pattern: '(' }, { pointer: '/pipeline/3/options' }),
    );
    expect(err.code).toBe('TAPLINE_ERR_OPTIONS_INVALID');
    expect(err.problems).toEqual([
      { path: '/pipeline/3/options/pattern', message: 'is not a regular expression' },
    ]);
  });

  it('says of a failed union what the data needs, not every branch: tagged objects and literals', async () => {
    const tagged = {
      name: 'test:targets',
      options: Type.Object({
        targets: Type.Array(
          Type.Union([
            Type.Object(
              {
                type: Type.Literal('file'),
                path: Type.String(),
                mode: Type.Optional(Type.Union([Type.Literal('append'), Type.Literal('truncate')])),
              },
              { additionalProperties: false },
            ),
            Type.Object(
              { type: Type.Literal('zmq'), socket: Type.Union([Type.Literal('push'), Type.Literal('pub')]) },
              { additionalProperties: false },
            ),
          ]),
        ),
      }),
    };
    const problemsOf = async (options: unknown) =>
      (await caught(() => validatePluginOptions(tagged, options))).problems;
    // The branch the `type` names is the only one that speaks.
    expect(await problemsOf({ targets: [{ type: 'zmq', socket: 'dealer', path: 'x' }] })).toEqual([
      { path: '/targets/0/path', message: 'unknown key "path"; known keys: type, socket' },
      { path: '/targets/0/socket', message: 'must be one of "push", "pub"' },
    ]);
    // A union nested in a branch the data does not take says nothing either.
    expect(await problemsOf({ targets: [{ type: 'zmq', socket: 'pub', mode: 'x' }] })).toEqual([
      { path: '/targets/0/mode', message: 'unknown key "mode"; known keys: type, socket' },
    ]);
    expect(await problemsOf({ targets: [{ type: 'kafka' }] })).toEqual([
      { path: '/targets/0/type', message: 'must be one of "file", "zmq"' },
    ]);
    expect(await problemsOf({ targets: [{ path: 'x' }] })).toEqual([
      { path: '/targets/0/type', message: 'missing required key "type": one of "file", "zmq"' },
    ]);
    // A union that is not tagged keeps every branch's problems.
    const untagged = { name: 'test:either', options: Type.Union([Type.String(), Type.Integer()]) };
    expect((await caught(() => validatePluginOptions(untagged, 1.5))).problems).toHaveLength(2);
  });

  it('refuses a schema that does not compile', async () => {
    const bad = { name: 'test:bad', options: { type: 'nonsense' } };
    expect((await caught(() => validatePluginOptions(bad, {}))).code).toBe('TAPLINE_ERR_PLUGIN_INVALID');
  });
});
