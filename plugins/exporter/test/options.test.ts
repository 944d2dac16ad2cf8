import { describe, expect, it } from 'vitest';
import { validateOptions } from '@tapline/testkit';
import plugin from '../src/index.js';

describe('exporter options', () => {
  it('fills every default from an empty object', () => {
    expect(validateOptions(plugin, {})).toEqual({
      options: {
        targets: [{ type: 'file', path: 'out/export.ndjson' }],
        retries: 3,
        retryDelayMs: 100,
        retryMaxDelayMs: 5000,
        route: 'all',
      },
      problems: [],
    });
  });

  it('accepts each target type', () => {
    const r = validateOptions(plugin, {
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
    expect(r.problems).toEqual([]);
  });

  it.each([
    [{ targets: [] }, '/targets'],
    [{ targets: [{ type: 'kafka' }] }, '/targets/0/type'],
    [{ targets: [{ type: 'file' }] }, '/targets/0/path'],
    [{ targets: [{ type: 'file', path: 'a', flushBytes: 0 }] }, '/targets/0/flushBytes'],
    [{ targets: [{ type: 'file', path: 'a', rotateBytes: -5 }] }, '/targets/0/rotateBytes'],
    [{ targets: [{ type: 'stdout', path: 'x' }] }, '/targets/0/path'],
    [{ targets: [{ type: 'zmq' }] }, '/targets/0/address'],
    [{ targets: [{ type: 'zmq', address: 'tcp://x:1', socket: 'dealer' }] }, '/targets/0/socket'],
    [{ targets: { type: 'stdout' } }, '/targets'],
    [{ retries: -1 }, '/retries'],
    [{ retryDelayMs: 'fast' }, '/retryDelayMs'],
    [{ target: [{ type: 'stdout' }] }, '/target'],
  ])('rejects %j with one problem, at %s', (raw, path) => {
    expect(validateOptions(plugin, raw).problems.map((p) => p.path)).toEqual([path]);
  });

  it("checks a NATS target's connection options as the NATS source's are checked", () => {
    const r = validateOptions(plugin, {
      targets: [
        { type: 'stdout' },
        { type: 'nats', subject: 'orders', servers: ['http://broker'], user: 'app', token: 's3cret' },
        { type: 'nats', subject: 'audit', password: 'alone' },
      ],
    });
    expect(r.problems.map((p) => p.path)).toEqual([
      '/targets/1/servers/0',
      '/targets/1/token',
      '/targets/2/password',
    ]);
  });

  it('takes json and emits receipts', () => {
    expect([plugin.input, plugin.output]).toEqual(['json', 'receipt']);
  });
});
