import { describe, expect, it } from 'vitest';
import plugin, { exporterOptions } from '../src/index.js';
import { validate } from './helpers.js';

describe('exporter options', () => {
  it('fills every default from an empty object', () => {
    expect(validate(exporterOptions, {})).toEqual({
      ok: true,
      value: {
        targets: [{ type: 'file', path: 'out/export.ndjson' }],
        retries: 3,
        retryDelayMs: 100,
        retryMaxDelayMs: 5000,
      },
    });
  });

  it('accepts each target type', () => {
    const r = validate(exporterOptions, {
      targets: [
        {
          type: 'file',
          path: 'a.ndjson',
          flushIntervalMs: 10,
          flushBytes: 1,
          rotateBytes: 1000,
          rotateKeep: 2,
        },
        { type: 'stdout' },
        { type: 'zmq', address: 'tcp://127.0.0.1:6000', socket: 'pub', mode: 'bind' },
      ],
    });
    expect(r.ok).toBe(true);
  });

  it.each([
    [{ targets: [] }],
    [{ targets: [{ type: 'kafka' }] }],
    [{ targets: [{ type: 'file' }] }],
    [{ targets: [{ type: 'file', path: 'a', flushBytes: 0 }] }],
    [{ targets: [{ type: 'file', path: 'a', rotateBytes: -5 }] }],
    [{ targets: [{ type: 'stdout', path: 'x' }] }],
    [{ targets: [{ type: 'zmq' }] }],
    [{ targets: [{ type: 'zmq', address: 'tcp://x:1', socket: 'dealer' }] }],
    [{ targets: { type: 'stdout' } }],
    [{ retries: -1 }],
    [{ retryDelayMs: 'fast' }],
    [{ target: [{ type: 'stdout' }] }],
  ])('rejects %j', (raw) => {
    expect(validate(exporterOptions, raw).ok).toBe(false);
  });

  it('takes json and emits receipts', () => {
    expect([plugin.input, plugin.output]).toEqual(['json', 'receipt']);
  });
});
