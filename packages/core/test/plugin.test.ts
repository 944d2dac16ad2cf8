import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  API_VERSION,
  AddressError,
  BaseDomain,
  ConfigError,
  PluginError,
  Type,
  definePlugin,
  type MessageContext,
  type PluginContext,
} from '../src/index.js';
import { codeLabel, errorTypeOf, hooksOf, reportedCodes, resolveType } from '../src/internal.js';

const options = Type.Object({
  field: Type.String({ default: 'level' }),
  limit: Type.Integer({ minimum: 1, default: 10 }),
  mode: Type.Union([Type.Literal('fast'), Type.Literal('safe')], { default: 'fast' }),
  tags: Type.Optional(Type.Array(Type.String())),
});

class Upper extends BaseDomain<{ name: string }, { name: string; upper: string }> {
  execute(input: { name: string }) {
    return { ...input, upper: input.name.toUpperCase() };
  }
}

describe('definePlugin', () => {
  it('returns its argument unchanged and infers the options type from the schema', () => {
    const manifest = {
      name: 'test:upper',
      apiVersion: API_VERSION,
      input: 'record',
      output: (o: { mode: string }) => (o.mode === 'fast' ? 'record' : 'json'),
      options,
      create: (opts: any, ctx: PluginContext) => new Upper(ctx),
    } as const;
    const plugin = definePlugin({
      ...manifest,
      output: 'record',
      create(opts, ctx) {
        expectTypeOf(opts).toEqualTypeOf<{
          field: string;
          limit: number;
          mode: 'fast' | 'safe';
          tags?: string[];
        }>();
        expectTypeOf(ctx).toEqualTypeOf<PluginContext>();
        return new Upper(ctx);
      },
    });
    expect(plugin.name).toBe('test:upper');
    expect(definePlugin(manifest as any)).toBe(manifest);
  });

  it("flows a domain's TIn and TOut into its hooks", () => {
    const d = new Upper();
    expectTypeOf(hooksOf(d).handled.call).parameters.toEqualTypeOf<
      [{ name: string; upper: string }, MessageContext]
    >();
    expectTypeOf(d.handle).parameter(0).toEqualTypeOf<{ name: string }>();
    expectTypeOf(d.onHandled).parameter(0).parameter(0).toEqualTypeOf<{ name: string; upper: string }>();
  });

  it('resolves a type spec that is a function of the options and the input type', () => {
    expect(resolveType('record', {})).toBe('record');
    expect(
      resolveType((o: { decode: string }) => (o.decode === 'json' ? 'record' : 'text'), { decode: 'text' }),
    ).toBe('text');
    expect(resolveType((_o: object, input) => input, {}, 'geo')).toBe('geo');
  });
});

describe('errors', () => {
  it('carry a stable code, and wrap plugin errors with the plugin and step', () => {
    const cause = new Error('socket closed');
    const e = new PluginError('ingest', 'tapline:zmq-source', 'initialize', cause);
    expect(e).toMatchObject({
      code: 'TAPLINE_ERR_PLUGIN_FAILED',
      step: 'ingest',
      plugin: 'tapline:zmq-source',
      phase: 'initialize',
      cause,
    });
    expect(e.message).toContain('ingest');
  });

  it("name their own class by code, and keep a coded cause's code as causeCode", () => {
    const inner = new ConfigError('TAPLINE_ERR_OPTIONS_INVALID', 'x.json', [{ path: '/a', message: 'bad' }]);
    const wrapped = new PluginError('s', 'p', 'create', inner);
    expect(wrapped).toMatchObject({
      code: 'TAPLINE_ERR_PLUGIN_FAILED',
      causeCode: 'TAPLINE_ERR_OPTIONS_INVALID',
      cause: inner,
    });
    expect(new PluginError('s', 'p', 'stop', new Error('gone')).causeCode).toBeUndefined();
  });

  it("report a plugin's failure with its cause's code, and other errors with their own", () => {
    const inUse = new AddressError('TAPLINE_ERR_ADDRESS_IN_USE', 'tcp://127.0.0.1:1', 'in use');
    const wrapped = new PluginError('in', 'p', 'initialize', inUse);
    expect(reportedCodes(wrapped)).toEqual({
      code: 'TAPLINE_ERR_PLUGIN_FAILED',
      causeCode: 'TAPLINE_ERR_ADDRESS_IN_USE',
    });
    expect(codeLabel(reportedCodes(wrapped))).toBe(
      '[TAPLINE_ERR_PLUGIN_FAILED caused by TAPLINE_ERR_ADDRESS_IN_USE]',
    );
    expect(reportedCodes(new PluginError('in', 'p', 'start', new Error('x')))).toEqual({
      code: 'TAPLINE_ERR_PLUGIN_FAILED',
    });
    expect(codeLabel(reportedCodes(inUse))).toBe('[TAPLINE_ERR_ADDRESS_IN_USE]');
    // Reports name Tapline's codes; Node's own errors say theirs in their message (ENOENT: ...).
    expect(reportedCodes(Object.assign(new Error('x'), { code: 'ENOENT' }))).toEqual({});
    expect(codeLabel(reportedCodes('thrown text'))).toBe('');
  });

  it('list every problem with its file, line and column', () => {
    const e = new ConfigError('TAPLINE_ERR_CONFIG_INVALID', 'pipeline.config.json', [
      { path: '/pipeline/0/plugin', message: 'must be a string', line: 3, column: 17 },
      { path: '/runtime/maxInFlight', message: 'must be >= 1', line: 9, column: 20 },
    ]);
    expect(e.problems).toHaveLength(2);
    expect(e.message.split('\n')).toHaveLength(3);
    expect(e.message).toContain('pipeline.config.json:9:20 /runtime/maxInFlight');
  });

  it('name the error type of an event by code, else by class', () => {
    expect(errorTypeOf(Object.assign(new Error(), { code: 'E_X' }))).toBe('E_X');
    expect(errorTypeOf(new RangeError())).toBe('RangeError');
    expect(errorTypeOf('just a string')).toBe('string');
  });
});
