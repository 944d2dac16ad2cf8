import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getJson, settled } from './cli-helpers.js';
import {
  Pipelines,
  accountingLine,
  defaultConfig,
  peakRssMiB,
  pusher,
  readNdjson,
  stepOf,
} from './support/e2e-pipeline.js';

const pipelines = new Pipelines();
let socketDir: string | undefined;
afterEach(async () => {
  await pipelines.cleanup();
  if (socketDir !== undefined) await rm(socketDir, { recursive: true, force: true });
});

const TOTAL = 6000;
const MAX_IN_FLIGHT = 16;
const SEND_HWM = 100;
const RECEIVE_HWM = 100;
const PAD = 'x'.repeat(2000);

/**
 * Bytes the kernel can hold between the two ZeroMQ sockets. Over ipc it is the sender's socket
 * buffer (a Unix stream socket queues on the sender's account); libzmq sets none, so it is
 * net.core.wmem_default. Doubled for slack. Over TCP the receive buffer autotunes up to
 * tcp_rmem's maximum (32 MB on many machines), which would hide any missing backpressure: hence ipc.
 */
async function kernelBufferBytes(): Promise<number> {
  return 2 * Number((await readFile('/proc/sys/net/core/wmem_default', 'utf8')).trim());
}

describe('overload, end to end', { timeout: 60_000 }, () => {
  it('a sender far faster than a slow step is held back by the high-water marks; memory stays bounded, nothing is lost', async () => {
    const { config } = await defaultConfig();
    socketDir = await mkdtemp(path.join(tmpdir(), 'tapline-overload-'));
    const address = `ipc://${path.join(socketDir, 'in.sock')}`;
    Object.assign(stepOf(config, 'ingest').options!, { address, receiveHighWaterMark: RECEIVE_HWM });
    config.pipeline.splice(2, 0, {
      id: 'slow',
      plugin: '../../fixtures/slow-step.mjs',
      options: { perSecond: 4000 },
    });
    config.runtime = { ...config.runtime, maxInFlight: MAX_IN_FLIGHT };
    const run = await pipelines.start(config);

    // Watch the host's in-flight count while it is flooded: what counts against maxInFlight,
    // apart from what waits in the exporter's file queue (bounded by its own buffer).
    let maxInFlightSeen = 0;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        const { accounting } = await getJson(run.url, '/api/metrics');
        maxInFlightSeen = Math.max(maxInFlightSeen, accounting.inFlight - accounting.held);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();

    const push = pusher(address, { sendHighWaterMark: SEND_HWM });
    let atLastSend: {
      received: number;
      completed: number;
      dropped: number;
      failed: number;
      inFlight: number;
      held: number;
    };
    try {
      for (let seq = 0; seq < TOTAL; seq++)
        await push.send(JSON.stringify({ seq, service: 'api', level: 'info', latencyMs: 1, pad: PAD }));
      atLastSend = (await getJson(run.url, '/api/metrics')).accounting;
    } finally {
      push.close();
    }

    // When the sender got its last message out, all but what the queues hold had been handled.
    const messageBytes = JSON.stringify({
      seq: TOTAL,
      service: 'api',
      level: 'info',
      latencyMs: 1,
      pad: PAD,
    }).length;
    const engineBatches = 2 * Math.ceil(8192 / messageBytes) + 2;
    const queued =
      SEND_HWM + RECEIVE_HWM + Math.ceil((await kernelBufferBytes()) / messageBytes) + engineBatches;
    const handled = atLastSend.completed + atLastSend.dropped + atLastSend.failed;
    console.log(
      `overload: at the last send ${handled} of ${TOTAL} handled, ${atLastSend.inFlight} in flight; ` +
        `bound ${MAX_IN_FLIGHT} in flight + ${queued} queued`,
    );
    expect(TOTAL - handled - atLastSend.held).toBeLessThanOrEqual(MAX_IN_FLIGHT + queued);
    expect(atLastSend.received - handled - atLastSend.held).toBeLessThanOrEqual(MAX_IN_FLIGHT);

    await settled(run, TOTAL);
    watching = false;
    await watch;
    expect(maxInFlightSeen).toBeLessThanOrEqual(MAX_IN_FLIGHT);
    const peak = await peakRssMiB(run.child.pid!);
    console.log(
      `overload: peak RSS of tapline run ${peak.toFixed(1)} MiB; most in flight seen ${maxInFlightSeen}`,
    );
    expect(peak).toBeLessThan(300);

    run.child.kill('SIGTERM');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    expect(accountingLine(run).accounting).toEqual({
      received: TOTAL,
      completed: TOTAL,
      dropped: 0,
      failed: 0,
      lost: 0,
    });
    const exported = (await readNdjson(path.join(run.dir, 'out/records.ndjson'))).map((r) => r.seq as number);
    expect(exported).toHaveLength(TOTAL);
    expect(exported.sort((a, b) => a - b)).toEqual(Array.from({ length: TOTAL }, (_, i) => i));
  });
});
