import { afterEach, describe, expect, it } from 'vitest';
import { startMonitoringServer, type MonitoringServer, type ReplayEntry } from '@tapline/host';
import { remoteSink } from '../src/commands/remote-sink.js';
import { stubSource } from '../../host/test/http/stub-source.js';

const servers: MonitoringServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('tapline replay --url', () => {
  it('sends a record that is bytes as bytes, and one that is JSON as JSON, to a running host', async () => {
    const got: ReplayEntry[] = [];
    const source = {
      ...stubSource(),
      replay: (entries: readonly ReplayEntry[]) => {
        got.push(...entries);
        return Promise.resolve(entries.map(() => 'completed' as const));
      },
    };
    const server = await startMonitoringServer({ port: 0, source });
    servers.push(server);
    const sink = await remoteSink(server.url, undefined);
    expect(sink.steps).toEqual(['parse', 'pass']);
    const frame = Buffer.from([0x7b, 0xff, 0x00, 0x7d]);
    const outcomes = await sink.send([
      { step: 'parse', value: frame, raw: frame },
      {
        step: 'pass',
        value: { a: [1, 'x'] },
        raw: Buffer.from('{"a":[1,"x"]}'),
        attributes: { targets: ['hop'] },
      },
    ]);
    expect(outcomes).toEqual(['completed', 'completed']);
    expect(Buffer.isBuffer(got[0]!.value)).toBe(true);
    expect(got[0]!.value).toEqual(frame);
    expect(got[0]!.raw).toEqual(frame);
    expect(got[1]!.value).toEqual({ a: [1, 'x'] });
    expect(got[1]!.attributes).toEqual({ targets: ['hop'] });
  });
});
