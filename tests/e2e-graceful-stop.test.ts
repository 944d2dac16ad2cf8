import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '@tapline/testkit';
import { getJson } from './cli-helpers.js';
import {
  Pipelines,
  accountingLine,
  defaultConfig,
  pusher,
  readNdjson,
  sendAll,
} from './support/e2e-pipeline.js';

const pipelines = new Pipelines();
afterEach(() => pipelines.cleanup());

const TOTAL = 100_000;
const STOP_AT = 30_000;

type Kind = 'good' | 'malformed' | 'untransformable' | 'debug';

/** What message `seq` is: every kind of outcome, spread through the stream. */
function kindOf(seq: number): Kind {
  if (seq % 1000 === 500) return 'malformed';
  if (seq % 50 === 7) return 'untransformable';
  if (seq % 50 === 13) return 'debug';
  return 'good';
}

function payloadOf(seq: number): string {
  switch (kindOf(seq)) {
    case 'malformed':
      return `{"seq":${seq},"service":`;
    case 'untransformable':
      return `{"seq":${seq},"service":"api","latencyMs":"n/a"}`;
    case 'debug':
      return `{"seq":${seq},"service":"api","level":"debug"}`;
    default:
      return `{"seq":${seq},"service":"api","latencyMs":${seq % 300}}`;
  }
}

/** The seq of a dead letter: its JSON payload's field, or read out of the base64 bytes. */
function seqOfDeadLetter(letter: Record<string, any>): number {
  if (letter.payload !== undefined) return letter.payload.seq as number;
  const text = Buffer.from(letter.payloadBase64 as string, 'base64').toString('utf8');
  return Number(/^\{"seq":(\d+),/.exec(text)![1]);
}

describe('graceful stop under load, end to end', { timeout: 60_000 }, () => {
  it('SIGTERM while 100,000 messages stream in: every received message is exported, dropped or dead-lettered, once', async () => {
    const { config, address } = await defaultConfig();
    const run = await pipelines.start(config);
    let exited = false;
    void run.exit.then(() => (exited = true));

    // A bounded send timeout: once the source has unbound, sends wait for a peer that is gone.
    const push = pusher(address, { sendTimeout: 500, linger: 0 });
    let sent = 0;
    try {
      for (; sent < TOTAL && !exited; sent++) {
        if (sent === STOP_AT) run.child.kill('SIGTERM');
        try {
          await push.send(payloadOf(sent));
        } catch (err) {
          if ((err as { code?: string }).code === 'EAGAIN') break;
          throw err;
        }
      }
    } finally {
      push.close();
    }
    expect(await run.exit).toEqual({ code: 0, signal: null });

    const line = accountingLine(run);
    const { received, completed, dropped, failed, lost } = line.accounting;
    console.log(
      `graceful stop: sent ${sent}, received ${received} (${completed} completed, ${dropped} dropped, ${failed} failed)`,
    );
    expect(line).toMatchObject({ drained: true, inFlightLeft: 0 });
    expect(received).toBe(completed + dropped + failed + lost);
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(TOTAL); // the stop did interrupt the stream

    // One PUSH to one PULL over one connection keeps order: what was received is a prefix.
    const expected: Record<Kind, number[]> = { good: [], malformed: [], untransformable: [], debug: [] };
    for (let seq = 0; seq < received; seq++) expected[kindOf(seq)].push(seq);
    expect(completed).toBe(expected.good.length);
    expect(dropped).toBe(expected.debug.length);
    expect(failed).toBe(expected.malformed.length + expected.untransformable.length);

    const exported = (await readNdjson(path.join(run.dir, 'out/records.ndjson'))).map((r) => r.seq as number);
    expect(exported).toHaveLength(completed);
    expect(new Set(exported).size).toBe(exported.length);
    expect(exported.sort((a, b) => a - b)).toEqual(expected.good);

    const dead = await readNdjson(path.join(run.dir, 'out/dead-letters.ndjson'));
    expect(dead).toHaveLength(failed);
    const deadSeqs = dead.map(seqOfDeadLetter);
    expect(new Set(deadSeqs).size).toBe(dead.length);
    expect(deadSeqs.sort((a, b) => a - b)).toEqual(
      [...expected.malformed, ...expected.untransformable].sort((a, b) => a - b),
    );
    for (const letter of dead) {
      const kind = kindOf(seqOfDeadLetter(letter));
      expect(letter).toMatchObject(
        kind === 'malformed'
          ? { step: 'ingest', errorType: 'TAPLINE_ERR_DECODE' }
          : { step: 'normalize', errorType: 'TAPLINE_ERR_TRANSFORM' },
      );
    }
  });

  it('messages already queued in the process when SIGTERM arrives are all handled before it exits', async () => {
    const { config, address } = await defaultConfig();
    // 4 in flight, held until the test opens the gate: the source leaves the other 96 in its
    // socket's local queue.
    config.pipeline.splice(2, 0, {
      id: 'slow',
      plugin: '../../fixtures/slow-step.mjs',
      options: { perSecond: 1000, holdUntil: 'gate' },
    });
    config.runtime = { ...config.runtime, maxInFlight: 4 };
    const run = await pipelines.start(config);
    const push = pusher(address);
    try {
      await sendAll(
        push,
        Array.from({ length: 100 }, (_, seq) => JSON.stringify({ seq, service: 'api' })),
      );
    } finally {
      push.close();
    }
    await eventually(async () => (await getJson(run.url, '/api/metrics')).accounting.received === 4, {
      what: 'the host to take in its 4',
    });
    // What was sent reaches the process's socket on ZeroMQ's I/O threads, and nothing tells
    // another process when it has: give them a moment before the signal.
    await new Promise((r) => setTimeout(r, 300));
    const before = (await getJson(run.url, '/api/metrics')).accounting;
    run.child.kill('SIGTERM');
    await eventually(() => run.logs.some((l) => l.reason === 'SIGTERM'), { what: 'the stop to begin' });
    await writeFile(path.join(run.dir, 'gate'), '');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(before).toMatchObject({ received: 4, inFlight: 4 }); // the rest waited in the socket's queue
    expect(accountingLine(run).accounting).toEqual({
      received: 100,
      completed: 100,
      dropped: 0,
      failed: 0,
      lost: 0,
    });
    const exported = (await readNdjson(path.join(run.dir, 'out/records.ndjson'))).map((r) => r.seq as number);
    expect(exported.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
