import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { LoadedConfig, MonitorHttpConfig } from '../src/config/loaded-config.js';
import { configJsonSchema, configSchemaPath } from '../src/config/schema.js';

const shipped = async () => JSON.parse(await readFile(configSchemaPath, 'utf8'));

describe('the config schema', () => {
  it('ships as the JSON of its TypeBox source, up to date (pnpm schema)', async () => {
    expect(await shipped(), 'run `pnpm schema` after changing src/config').toEqual(configJsonSchema());
  });

  it('asks an editor, which fills no defaults, for no key the host fills in', async () => {
    const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(
      await shipped(),
    );
    const pipeline = [{ plugin: './source.mjs' }];
    expect(validate({ pipeline }), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ pipeline, runtime: {}, deadLetter: {}, monitor: { http: {} }, log: {} })).toBe(true);
    expect(validate({ pipeline, deadLetter: false, monitor: { http: false } })).toBe(true);
    expect(validate({ pipeline, deadLetter: true })).toBe(false);
    expect(validate({ pipeline, log: { level: 'loud' } })).toBe(false);
    expect(validate({ pipeline: [] })).toBe(false);
  });

  it('types a loaded config as the schema fills it: defaulted keys present, others optional', () => {
    expectTypeOf<LoadedConfig['runtime']>().toEqualTypeOf<{
      readonly maxInFlight: number;
      readonly batchMax: number;
      readonly shutdownTimeoutMs: number;
    }>();
    expectTypeOf<MonitorHttpConfig>().toEqualTypeOf<{
      readonly host: string;
      readonly token?: string;
      readonly unauthenticated: boolean;
      readonly port: number;
    }>();
    expectTypeOf<LoadedConfig['log']['level']>().toEqualTypeOf<
      'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
    >();
  });
});
