import { describe, expect, it } from 'vitest';
import { resolveType } from '@tapline/core';
import plugin, { zmqSourceOptions } from '../src/index.js';
import { validate } from './helpers.js';

describe('zmq-source options', () => {
  it('fills every default from an empty object', () => {
    const r = validate(zmqSourceOptions, {});
    expect(r).toEqual({
      ok: true,
      value: {
        address: '${ZMQ_ADDRESS:-tcp://127.0.0.1:5555}',
        socket: 'pull',
        mode: 'bind',
        topics: [''],
        receiveHighWaterMark: 1000,
        decode: 'record',
      },
    });
  });

  it.each([
    [{ socket: 'dealer' }],
    [{ mode: 'listen' }],
    [{ decode: 'xml' }],
    [{ receiveHighWaterMark: -1 }],
    [{ receiveHighWaterMark: 1.5 }],
    [{ topics: 'a' }],
    [{ address: '' }],
    [{ adress: 'tcp://127.0.0.1:1' }],
  ])('rejects %j', (raw) => {
    expect(validate(zmqSourceOptions, raw).ok).toBe(false);
  });

  it('checks the address and topics beyond the schema, leaving ${VAR} to the host', () => {
    const base = validate(zmqSourceOptions, {}) as { value: any };
    expect(plugin.check!(base.value)).toEqual([]);
    const bad = plugin.check!({ ...base.value, address: 'localhost:5555', topics: ['a'] });
    expect(bad.map((p) => p.path)).toEqual(['/address', '/topics']);
    expect(plugin.check!({ ...base.value, socket: 'sub', topics: ['a'] })).toEqual([]);
  });

  it('emits the type its decode mode produces', () => {
    const out = (decode: string) => resolveType(plugin.output, { decode } as any);
    expect([out('record'), out('json'), out('text'), out('raw')]).toEqual([
      'record',
      'json',
      'text',
      'bytes',
    ]);
    expect(plugin.kind).toBe('source');
  });
});
