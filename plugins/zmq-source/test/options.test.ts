import { describe, expect, it } from 'vitest';
import { createPluginStep, validateOptions } from '@tapline/testkit';
import plugin from '../src/index.js';

describe('zmq-source options', () => {
  it('fills every default from an empty object, the address from ZMQ_ADDRESS when it is set', () => {
    expect(validateOptions(plugin, {}, { env: {} })).toEqual({
      options: {
        address: 'tcp://127.0.0.1:5555',
        socket: 'pull',
        mode: 'bind',
        topics: [''],
        receiveHighWaterMark: 1000,
        maxMessageBytes: 1024 * 1024,
        maxFrames: 16,
        decode: 'record',
      },
      problems: [],
    });
    const env = { ZMQ_ADDRESS: 'ipc:///run/tapline.sock' };
    expect(validateOptions(plugin, {}, { env }).options?.address).toBe('ipc:///run/tapline.sock');
    expect(validateOptions(plugin, { address: 'tcp://127.0.0.1:7000' }, { env }).options?.address).toBe(
      'tcp://127.0.0.1:7000',
    );
  });

  it.each([
    [{ socket: 'dealer' }, '/socket'],
    [{ mode: 'listen' }, '/mode'],
    [{ decode: 'xml' }, '/decode'],
    [{ receiveHighWaterMark: -1 }, '/receiveHighWaterMark'],
    [{ receiveHighWaterMark: 1.5 }, '/receiveHighWaterMark'],
    [{ topics: 'a' }, '/topics'],
    [{ maxFrames: 0 }, '/maxFrames'],
    [{ address: '' }, '/address'],
    [{ adress: 'tcp://127.0.0.1:1' }, '/adress'],
  ])('rejects %j with one problem, at %s', (raw, path) => {
    expect(validateOptions(plugin, raw).problems.map((p) => p.path)).toEqual([path]);
  });

  it('checks the address and topics beyond the schema, leaving ${VAR} to the host', () => {
    const base = validateOptions(plugin, {}).options!;
    expect(plugin.check!(base)).toEqual([]);
    const bad = plugin.check!({ ...base, address: 'localhost:5555', topics: ['a'] });
    expect(bad.map((p) => p.path)).toEqual(['/address', '/topics']);
    expect(plugin.check!({ ...base, socket: 'sub', topics: ['a'] })).toEqual([]);
    expect(plugin.check!({ ...base, address: '${ZMQ_ADDRESS}' })).toEqual([]);
  });

  it('emits the type its decode mode produces', async () => {
    const out = async (decode: string) => (await createPluginStep(plugin, { decode })).output;
    expect(await Promise.all(['record', 'json', 'text', 'raw'].map(out))).toEqual([
      'record',
      'json',
      'text',
      'bytes',
    ]);
    expect(plugin.kind).toBe('source');
  });
});
