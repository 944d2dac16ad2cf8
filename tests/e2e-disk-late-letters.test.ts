import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '@tapline/testkit';
import { Pull } from 'zeromq';
import { getJson, settled, tapline } from './cli-helpers.js';
import { Pipelines, accountingLine, pusher, readNdjson, sendAll } from './support/e2e-pipeline.js';
import { faultPipeline, range, removeWorkDirs, sample, workDir } from './support/faults.js';

const pipelines = new Pipelines();
const sockets: { close(): void }[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await pipelines.cleanup();
  await removeWorkDirs();
});

const N = 12;
const MAX_RETRIES = 1;

/**
 * An archive file, and a ZeroMQ next hop behind a disk buffer at an ipc path nothing listens on
 * yet, whose sends time out: each record fails its delivery from the log and, after
 * `MAX_RETRIES` tries again, is dead-lettered for the hop alone.
 */
function archiveAndFailingHop(dir: string) {
  return {
    targets: [
      { name: 'archive', type: 'file', path: 'archive.ndjson' },
      {
        name: 'next-hop',
        type: 'zmq',
        address: `ipc://${path.join(dir, 'hop')}`,
        sendTimeoutMs: 50,
        buffer: { type: 'disk', path: 'buffer', maxRetries: MAX_RETRIES },
      },
    ],
    retries: 0,
    retryDelayMs: 10,
    retryMaxDelayMs: 20,
  };
}

async function hopBooks(url: string): Promise<Record<string, number>> {
  const m = await getJson(url, '/api/metrics');
  const step = (m.steps as { id: string; outputs: { name: string }[] }[]).find((s) => s.id === 'export')!;
  return step.outputs.find((o) => o.name === 'next-hop') as unknown as Record<string, number>;
}

describe('a disk buffer that gives up on records: late dead letters', { timeout: 60_000 }, () => {
  it('dead-letters each record for the hop alone after its retries, books it, and a replay delivers it to the hop alone', async () => {
    const dir = await workDir();
    const { config, address } = await faultPipeline('unused', 'dead.ndjson', archiveAndFailingHop(dir));
    const run = await pipelines.start(config, { dir });
    const push = pusher(address);
    sockets.push(push);
    await sendAll(
      push,
      range(0, N).map((seq) => JSON.stringify({ seq })),
    );
    // Every record completed once it was in the archive and durably in the log.
    await settled(run, N);
    const books = await eventually(
      async () => {
        const b = await hopBooks(run.url);
        return b.deadLettered === N ? b : undefined;
      },
      { timeoutMs: 30_000, what: `${N} late dead letters for the hop` },
    );
    expect(books).toMatchObject({ routed: N, written: 0, deadLettered: N, lost: 0, queued: 0 });
    expect(books).toMatchObject({ delivered: 0, buffered: 0 });
    const m = await getJson(run.url, '/api/metrics');
    expect(m.accounting).toMatchObject({ received: N, completed: N, failed: 0, lost: 0, inFlight: 0 });
    expect(m.lateDeadLetters).toEqual({ written: N, lost: 0 });
    const failures = await getJson(run.url, '/api/failures');
    expect(failures.total).toBe(N);
    expect(failures.recent[0]).toMatchObject({ step: 'export', targets: ['next-hop'], late: true });
    expect(JSON.parse(failures.recent[0].payload)).toHaveProperty('seq');
    const scraped = await (await fetch(new URL('/metrics', run.url))).text();
    expect(sample(scraped, 'tapline_late_dead_letters_total{result="written"}')).toBe(N);
    expect(sample(scraped, 'tapline_messages_failed_total')).toBe(0);
    expect(
      sample(
        scraped,
        'tapline_output_records_total{step="export",target="next-hop",outcome="dead_lettered"}',
      ),
    ).toBe(N);

    const letters = await readNdjson(path.join(dir, 'dead.ndjson'));
    expect(letters.map((l) => l.payload.seq)).toEqual(range(0, N));
    for (const l of letters) {
      expect(l).toMatchObject({
        step: 'export',
        errorType: 'TAPLINE_ERR_EXPORT',
        targets: ['next-hop'],
        late: true,
      });
      expect(l.message).toContain(`failed ${MAX_RETRIES + 1} times`);
      expect(l.input).toEqual(l.payload);
    }

    // The hop comes up; a replay through the running host sends each record to it alone.
    const hop = new Pull({ linger: 0 });
    sockets.push(hop);
    await hop.bind(`ipc://${path.join(dir, 'hop')}`);
    const got: number[] = [];
    void (async () => {
      for await (const [frame] of hop) got.push((JSON.parse(frame!.toString()) as { seq: number }).seq);
    })().catch(() => {});
    const replay = await tapline(['replay', '--config', run.file, '--url', run.url, '--json'], { cwd: dir });
    expect(replay.code, replay.stderr).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ replayed: N, completed: N });
    await eventually(() => got.length >= N || undefined, {
      timeoutMs: 20_000,
      what: `${N} records at the hop`,
    });
    const after = await hopBooks(run.url);
    run.child.kill('SIGTERM');
    const exit = await run.exit;

    expect(got).toEqual(range(0, N));
    const archive = await readNdjson(path.join(dir, 'archive.ndjson'));
    expect(archive.map((r) => r.seq as number)).toEqual(range(0, N));
    expect(after).toMatchObject({ routed: 2 * N, written: N, deadLettered: N, delivered: N, buffered: 0 });
    expect(accountingLine(run).accounting).toMatchObject({ received: 2 * N, completed: 2 * N, failed: 0 });
    expect(exit.code).toBe(0);
  });
});
