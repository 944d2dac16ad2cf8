import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readNdjson } from '@tapline/testkit';
import { spawn } from 'node:child_process';
import { Push } from 'zeromq';
import {
  bin,
  defaultPipeline,
  freePort,
  killRunning,
  pluginPath,
  startRun,
  tapline,
  writeTempConfig,
  type RunningPipeline,
} from './cli-helpers.js';
import { metricsUntil, openTap, records, stalledTap } from './support/tap-client.js';

const TOKEN = 'tap-test-token-0123456789';

let host: RunningPipeline;
let dir: string;
let push: Push;
let sent = 0;

/** One host for the file: zmq-source → enrich (coerce n, drop `skip`) → export (a file). */
beforeAll(async () => {
  const address = `tcp://127.0.0.1:${await freePort()}`;
  const config = defaultPipeline(address, {
    monitor: { http: { host: '127.0.0.1', port: 0, token: TOKEN } },
  });
  config.pipeline[1] = {
    id: 'enrich',
    plugin: pluginPath('processor'),
    options: {
      steps: [
        { type: 'coerce', field: 'n', to: 'number' },
        { type: 'filter', where: { field: 'skip', exists: false } },
        { type: 'set', field: 'seen', value: true },
      ],
    },
  };
  ({ dir } = await writeTempConfig(config));
  host = await startRun(path.join(dir, 'pipeline.config.json'));
  push = new Push({ linger: 5000, sendHighWaterMark: 100_000 });
  push.connect(address);
}, 30_000);

afterAll(async () => {
  push?.close();
  if (host !== undefined) {
    host.child.kill('SIGTERM');
    await host.exit;
  }
  killRunning();
});

/** Sends the records, then waits until every message so far has settled. */
async function send(batch: ReadonlyArray<Record<string, unknown>>): Promise<any> {
  for (const r of batch) await push.send(JSON.stringify(r));
  sent += batch.length;
  return metricsUntil(
    host.url,
    TOKEN,
    (m) => (m.accounting.received === sent && m.accounting.inFlight === 0 ? m : undefined),
    `${sent} messages settled`,
  );
}

/** `count` records tagged `tag`: every 4th skipped (dropped), every 10th with an n that is not a number. */
function batchOf(tag: string, count: number, pad = '') {
  return Array.from({ length: count }, (_, k) => ({
    tag,
    k,
    n: k % 10 === 9 ? 'many' : String(k),
    ...(k % 4 === 3 ? { skip: true } : {}),
    ...(pad === '' ? {} : { pad }),
  }));
}

const passes = (r: { k: number }) => r.k % 10 !== 9 && r.k % 4 !== 3;

describe('GET /api/tap', { timeout: 60_000 }, () => {
  it('needs the bearer token, as /api/metrics does, and names what is wrong with a query', async () => {
    const res = await fetch(new URL('/api/tap?step=enrich', host.url));
    expect(res.status).toBe(401);
    const unknown = await fetch(new URL('/api/tap?step=nope', host.url), {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ code: 'TAPLINE_ERR_TAP_QUERY', param: 'step' });
    const where = await fetch(new URL(`/api/tap?where=${encodeURIComponent('k >> 2')}`, host.url), {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(where.status).toBe(400);
    expect(await where.json()).toMatchObject({ code: 'TAPLINE_ERR_TAP_QUERY', param: 'where', offset: 3 });
  });

  it('sees exactly the records a step hands on, what it drops and what fails, and detaches on close', async () => {
    const out = await openTap(host.url, 'step=enrich&side=output&side=dropped&side=failed', TOKEN);
    const sse = await openTap(host.url, 'step=enrich&format=sse', TOKEN);
    expect([out.status, sse.status]).toEqual([200, 200]);
    await metricsUntil(host.url, TOKEN, (m) => (m.taps.attached === 2 ? true : undefined), 'taps attached');
    const batch = batchOf('exact', 400);
    await send(batch);
    const written = (await readNdjson(path.join(dir, 'out.ndjson'))).filter((r: any) => r.tag === 'exact');
    const want = batch.filter(passes).map((r) => r.k);
    expect(written.map((r: any) => r.k)).toEqual(want);
    const exactly = (lines: Array<Record<string, any>>) =>
      records(lines).map((l) => {
        expect(l).toMatchObject({ step: 'enrich', side: 'output', id: expect.any(Number) });
        expect(Number.isNaN(Date.parse(l.time))).toBe(false);
        return l.record;
      });
    const arrived = (t: typeof out) => (records(t.lines).length === written.length ? true : undefined);
    await metricsUntil(host.url, TOKEN, () => arrived(out) && arrived(sse), 'every line');
    expect(exactly(out.lines)).toEqual(written);
    expect(exactly(sse.lines)).toEqual(written);
    const dropped = records(out.lines, 'dropped');
    expect(dropped.map((l) => l.record.k)).toEqual(
      batch.filter((r) => r.k % 4 === 3 && r.k % 10 !== 9).map((r) => r.k),
    );
    for (const l of dropped) expect(l.reason).toBe('filtered');
    const failed = records(out.lines, 'failed');
    expect(failed.map((l) => l.record.k)).toEqual(batch.filter((r) => r.k % 10 === 9).map((r) => r.k));
    for (const l of failed) expect(l.error.code).toBe('TAPLINE_ERR_TRANSFORM');
    expect(out.lines.filter((l) => l.type === 'skipped')).toEqual([]);
    out.close();
    sse.close();
    await metricsUntil(host.url, TOKEN, (m) => (m.taps.attached === 0 ? true : undefined), 'taps detached');
  });

  it('filters with where in the host: only matching records cross the wire', async () => {
    const where = encodeURIComponent("tag == 'where' && k < 30");
    const tap = await openTap(host.url, `step=enrich&where=${where}`, TOKEN);
    const before = await metricsUntil(
      host.url,
      TOKEN,
      (m) => (m.taps.attached === 1 ? m.taps : undefined),
      'tap',
    );
    const batch = batchOf('where', 500);
    await send(batch);
    const want = batch.filter((r) => passes(r) && r.k < 30).map((r) => r.k);
    const after = await metricsUntil(
      host.url,
      TOKEN,
      (m) => (m.taps.sent - before.sent === want.length && m.taps.buffered === 0 ? m.taps : undefined),
      'where lines sent',
    );
    await metricsUntil(host.url, TOKEN, () => (tap.lines.length >= want.length ? true : undefined), 'lines');
    tap.close();
    // Every line that crossed the wire is a matching record, and nothing else came.
    expect(tap.lines.map((l) => l.record.k)).toEqual(want);
    expect(after.skipped - before.skipped).toBe(0);
    const wire = tap.lines.reduce((n, l) => n + JSON.stringify(l).length + 1, 0);
    expect(tap.bytes()).toBe(wire);
  });

  it('samples a fair subset at a low rate', async () => {
    const tap = await openTap(host.url, "step=enrich&rate=5/s&where=tag%20%3D%3D%20'rate'", TOKEN);
    await metricsUntil(host.url, TOKEN, (m) => (m.taps.attached === 1 ? true : undefined), 'tap');
    const batch = batchOf('rate', 2000);
    await send(batch);
    const passed = new Set(batch.filter(passes).map((r) => r.k));
    await metricsUntil(
      host.url,
      TOKEN,
      () => (records(tap.lines).length >= 5 ? true : undefined),
      'a sample',
    );
    tap.close();
    const ks = records(tap.lines).map((l) => l.record.k as number);
    for (const k of ks) expect(passed.has(k)).toBe(true);
    expect(new Set(ks).size).toBe(ks.length);
    expect(ks.length).toBeLessThan(passed.size / 10);
    // A uniform sample of each second, not its first records: some come from past the first tenth.
    expect(Math.max(...ks)).toBeGreaterThan(200);
  });

  it('never grows the host for a reader that does not read: the buffer is bounded and skips are counted', async () => {
    const where = encodeURIComponent("tag == 'stall'");
    const stalled = await stalledTap(host.url, `step=enrich&where=${where}`, TOKEN);
    try {
      await metricsUntil(host.url, TOKEN, (m) => (m.taps.attached === 1 ? m : undefined), 'stalled tap');
      const before = await metricsUntil(host.url, TOKEN, (m) => m.taps, 'taps');
      // Far more than the socket buffers on both ends hold.
      const batch = batchOf('stall', 6000, 'x'.repeat(4000));
      const settledMetrics = await send(batch);
      const total = batch.filter(passes).length;
      const taps = settledMetrics.taps;
      // The pipeline finished without waiting on the reader; what waits for it is bounded.
      expect(settledMetrics.accounting.inFlight).toBe(0);
      expect(taps.buffered).toBeLessThanOrEqual(taps.bufferLimit);
      const skipped = taps.skipped - before.skipped;
      expect(skipped).toBeGreaterThan(0);
      expect(taps.sent - before.sent + taps.buffered + skipped).toBe(total);
      // Once it reads, the reader gets every line sent and is told how many were skipped.
      stalled.resume();
      const lines = await metricsUntil(
        host.url,
        TOKEN,
        () => {
          const text = stalled.text();
          // Whole lines only: a chunk of the response carries whole lines, the socket may not.
          const got = text
            .slice(0, text.lastIndexOf('\n'))
            .split('\n')
            .filter((l) => l.startsWith('{'))
            .map((l) => JSON.parse(l) as Record<string, any>);
          const counted = got.reduce((n, l) => n + (l.type === 'skipped' ? l.count : 1), 0);
          return counted === total ? got : undefined;
        },
        'every line and the skipped count',
      );
      expect(lines.filter((l) => l.type === 'skipped').reduce((n, l) => n + l.count, 0)).toBe(skipped);
    } finally {
      stalled.socket.destroy();
    }
    await metricsUntil(host.url, TOKEN, (m) => (m.taps.attached === 0 ? true : undefined), 'detached');
  });
});

/** Runs `tapline tap ARGS` against the host once it is attached (`attached` taps in all), sending `batch` then. */
async function tapWhile(args: string[], batch: ReadonlyArray<Record<string, unknown>>) {
  const done = tapline(['tap', '--url', host.url, '--token', TOKEN, ...args]);
  await metricsUntil(host.url, TOKEN, (m) => (m.taps.attached === 1 ? true : undefined), 'the CLI attached');
  await send(batch);
  return done;
}

/** The NDJSON lines `tapline tap --json` printed, parsed. */
const ndjsonOf = (stdout: string): any[] =>
  stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('tapline tap', { timeout: 60_000 }, () => {
  it('prints NDJSON lines with step, id and time, and ends after --limit with a summary', async () => {
    const batch = batchOf('cli', 50);
    const { code, stdout, stderr } = await tapWhile(
      ['enrich', '--json', '--limit', '5', '--where', "tag == 'cli'"],
      batch,
    );
    expect(code, stderr).toBe(0);
    const lines = ndjsonOf(stdout);
    expect(lines.map((l) => l.record.k)).toEqual(
      batch
        .filter(passes)
        .slice(0, 5)
        .map((r) => r.k),
    );
    for (const l of lines) {
      expect(l).toMatchObject({ type: 'record', step: 'enrich', side: 'output', id: expect.any(Number) });
      expect(Number.isNaN(Date.parse(l.time))).toBe(false);
    }
    expect(stderr).toContain('tapline tap: 5 records, 0 skipped');
  });

  it('taps the last step when no step is named: what the exporter wrote, beside its receipt', async () => {
    const batch = batchOf('last', 12);
    const { code, stdout, stderr } = await tapWhile(
      ['--json', '--limit', '4', '--where', "tag == 'last'"],
      batch,
    );
    expect(code, stderr).toBe(0);
    const lines = ndjsonOf(stdout);
    const written = (await readNdjson(path.join(dir, 'out.ndjson'))).filter((r: any) => r.tag === 'last');
    expect(lines.map((l) => l.record)).toEqual(written.slice(0, 4));
    for (const l of lines) {
      expect(l).toMatchObject({ type: 'record', step: 'export', side: 'output' });
      expect(l.receipt).toMatchObject({ delivered: 1 });
    }
  });

  it('--input shows what a step was handed, before its changes, the records it drops or fails included', async () => {
    const batch = batchOf('input', 12);
    const { code, stdout, stderr } = await tapWhile(
      ['enrich', '--input', '--json', '--limit', '12', '--where', "tag == 'input'"],
      batch,
    );
    expect(code, stderr).toBe(0);
    const lines = ndjsonOf(stdout);
    for (const l of lines) expect(l).toMatchObject({ type: 'record', step: 'enrich', side: 'input' });
    // As the source handed them on: n still text, no `seen`; every one of them, not only those passed.
    expect(lines.map((l) => l.record)).toEqual(batch);
  });

  it('refuses --input with --output, saying to choose one, before reaching the host', async () => {
    const { code, stdout, stderr } = await tapline([
      'tap',
      'enrich',
      '--url',
      host.url,
      '--token',
      TOKEN,
      '--input',
      '--output',
    ]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('--input and --output: choose one');
    const m = await metricsUntil(host.url, TOKEN, (x) => x.taps, 'taps');
    expect(m.attached).toBe(0);
  });

  it('ends on Ctrl-C with a summary, and detaches', async () => {
    const child = spawn(process.execPath, [
      bin,
      'tap',
      'enrich',
      '--url',
      host.url,
      '--token',
      TOKEN,
      '--failed',
      '--where',
      "tag == 'int'",
    ]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const exit = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      await metricsUntil(
        host.url,
        TOKEN,
        (m) => (m.taps.attached === 1 ? true : undefined),
        'the CLI attached',
      );
      await send(batchOf('int', 20));
      await metricsUntil(
        host.url,
        TOKEN,
        () => (stdout.split('\n').length > 2 ? true : undefined),
        'printed',
      );
      child.kill('SIGINT');
    } finally {
      if (child.exitCode === null) setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    }
    const code = await exit;
    expect(code, stderr).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l).toMatch(/ enrich\/failed #\d+ .*\(failed: TAPLINE_ERR_TRANSFORM /);
    expect(stderr).toContain('tapline tap: 2 records, 0 skipped');
    await metricsUntil(host.url, TOKEN, (m) => (m.taps.attached === 0 ? true : undefined), 'detached');
  });

  it('follows a completed message through every step: each change as a diff, each time, the outcome', async () => {
    const { code, stdout, stderr } = await tapWhile(
      ['--follow-next', '--where', "tag == 'follow-ok'"],
      [{ tag: 'follow-ok', k: 1, n: '5' }],
    );
    expect(code, stderr).toBe(0);
    const blocks = stdout.split('\n── ');
    expect(blocks.slice(1).map((b) => b.split('  ')[0])).toEqual(['ingest', 'enrich', 'export']);
    for (const b of blocks.slice(1))
      expect(b).toMatch(/^\w+ {2}\d+\.\d{3} ms \(its share of the batch's time in the step\)/);
    const enrich = blocks[2]!;
    expect(enrich).toContain('-   "n": "5"');
    expect(enrich).toContain('+   "n": 5,');
    expect(enrich).toContain('+   "seen": true');
    expect(blocks[3]).toContain('written: {"delivered":1,"targets":["file"]}');
    expect(stdout.trim().split('\n').at(-1)).toBe('outcome: completed');
  });

  it('follows a dropped message to the step that dropped it, and why', async () => {
    const { code, stdout, stderr } = await tapWhile(
      ['--follow-next', '--where', "tag == 'follow-drop'"],
      [{ tag: 'follow-drop', k: 2, n: '1', skip: true }],
    );
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('── enrich  dropped: filtered');
    expect(stdout).not.toContain('── export');
    expect(stdout.trim().split('\n').at(-1)).toBe('outcome: dropped at enrich (filtered)');
  });

  it('follows a failed message to its error and where its dead letter went', async () => {
    const { code, stdout, stderr } = await tapWhile(
      ['--follow-next', '--where', "tag == 'follow-fail'"],
      [{ tag: 'follow-fail', k: 3, n: 'many' }],
    );
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('── enrich  failed: TAPLINE_ERR_TRANSFORM');
    const last = stdout.trim().split('\n').at(-1)!;
    expect(last).toMatch(/^outcome: failed at enrich: TAPLINE_ERR_TRANSFORM .*; dead letter in (.+)$/);
    const file = /dead letter in (.+)$/.exec(last)![1]!;
    expect(file).toBe(path.join(dir, 'dead-letters.ndjson'));
    const letters = await readNdjson(file);
    const id = Number(/^message #(\d+)/.exec(stdout)![1]);
    expect(letters.find((l: any) => l.messageId === id)).toMatchObject({
      step: 'enrich',
      payload: { tag: 'follow-fail' },
    });
  });

  it('follows a message by its id, one yet to come', async () => {
    // Ids increase in intake order from 1 in this process, which took only what the file sent.
    const id = sent + 2;
    const { code, stdout, stderr } = await tapWhile(
      ['--follow', String(id)],
      [0, 1, 2].map((k) => ({ tag: 'follow-id', k, n: String(k) })),
    );
    expect(code, stderr).toBe(0);
    expect(stdout.split('\n')[0]).toBe(`message #${id}`);
    expect(stdout).toContain('+   "n": 1,');
    expect(stdout.trim().split('\n').at(-1)).toBe('outcome: completed');
  });

  it('says so when the message to follow has already ended', async () => {
    const { code, stderr } = await tapline(['tap', '--url', host.url, '--token', TOKEN, '--follow', '1']);
    expect(code).toBe(1);
    expect(stderr).toContain('Message 1 has already ended');
  });
});
