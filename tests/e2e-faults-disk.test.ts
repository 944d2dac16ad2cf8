import { readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Pipelines, accountingLine, pusher, readNdjson, sendAll } from './support/e2e-pipeline.js';
import { eventually } from '@tapline/testkit';
import { getJson, settled } from './cli-helpers.js';
import { faultPipeline, range, record, removeWorkDirs, sample, workDir } from './support/faults.js';
import { smallDisk, type SmallDisk } from './support/small-disk.js';

const pipelines = new Pipelines();

/** Whole lines in a file (0 while it does not exist yet). */
async function linesIn(file: string): Promise<number> {
  const text = await readFile(file, 'latin1').catch(() => '');
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

const disks: SmallDisk[] = [];
afterEach(async () => {
  await pipelines.cleanup();
  for (const d of disks.splice(0)) await d.release();
  await removeWorkDirs();
});

describe('faults on disk, end to end', { timeout: 90_000 }, () => {
  it('a full disk under the output: completed records are exactly the whole lines written, the rest are dead letters', async () => {
    const disk = await smallDisk(2 * 1024 * 1024);
    disks.push(disk);
    const out = path.join(disk.dir, 'out.ndjson');
    const { config, address } = await faultPipeline(out, 'dead.ndjson');
    const run = await pipelines.start(config, { prefix: disk.prefix });
    const push = pusher(address);
    await sendAll(push, range(0, 20_000).map(record));
    push.close();
    await settled(run, 20_000);
    run.child.kill('SIGTERM');
    const exit = await run.exit;
    const { completed, failed, lost } = accountingLine(run).accounting;
    const lines = await readNdjson(out);
    const letters = await readNdjson(path.join(run.dir, 'dead.ndjson'));
    console.log(`disk full (${disk.how}): completed ${completed}, failed ${failed}, lost ${lost}`);
    expect(failed).toBeGreaterThan(0); // the disk did fill up
    expect(lines.length).toBe(completed);
    expect(completed + failed + lost).toBe(20_000);
    expect(letters.length).toBe(failed);
    expect(letters[0]).toMatchObject({ step: 'export', errorType: 'TAPLINE_ERR_EXPORT' });
    const seqs = new Set([...lines.map((r) => r.seq), ...letters.map((l) => l.payload.seq)]);
    expect(seqs.size).toBe(20_000 - lost); // every record is in one place or counted lost
    expect(exit.code).toBe(lost > 0 ? 1 : 0);
  });

  it('SIGKILL: every record counted completed is already in the file', async () => {
    const dir = await workDir();
    const out = path.join(dir, 'out.ndjson');
    const { config, address } = await faultPipeline(out, false, {}, {});
    const run = await pipelines.start(config, { dir });
    const push = pusher(address);
    await sendAll(push, range(0, 5_000).map(record));
    await settled(run, 5_000);
    run.child.kill('SIGKILL');
    await run.exit;
    expect((await readNdjson(out)).map((r) => r.seq)).toEqual(range(0, 5_000));
    push.close();
  });

  it('output and dead-letter folders deleted while running: later records and dead letters go to new files', async () => {
    const dir = await workDir();
    const out = path.join(dir, 'out', 'out.ndjson');
    const dead = path.join(dir, 'dead', 'dead.ndjson');
    const { config, address } = await faultPipeline(out, dead);
    const run = await pipelines.start(config, { dir });
    const push = pusher(address);
    const round = (from: number) => range(from, from + 200).map((i) => (i % 2 ? '{"torn":' : record(i)));
    await sendAll(push, round(0));
    await settled(run, 200);
    await rm(path.join(dir, 'out'), { recursive: true });
    await rm(path.join(dir, 'dead'), { recursive: true });
    await sendAll(push, round(200));
    await settled(run, 400);
    run.child.kill('SIGTERM');
    expect((await run.exit).code).toBe(0);
    push.close();
    expect(accountingLine(run).accounting).toMatchObject({ completed: 200, failed: 200, lost: 0 });
    expect((await readNdjson(out)).map((r) => r.seq)).toEqual(range(200, 400).filter((i) => i % 2 === 0));
    expect(await readNdjson(dead)).toHaveLength(100);
    const warned = run.logs.filter((l) => l.level === 40 && /deleted|moved/.test(l.msg)).map((l) => l.file);
    expect(warned).toEqual(expect.arrayContaining([out, dead]));
  });

  it('dead letters on a full disk: failed counts the lines written, lost the others; /api/metrics, /metrics and the accounting line agree; reported once, exit 1', async () => {
    const disk = await smallDisk(512 * 1024);
    disks.push(disk);
    const dead = path.join(disk.dir, 'dead.ndjson');
    const { config, address } = await faultPipeline('out.ndjson', dead);
    const run = await pipelines.start(config, { prefix: disk.prefix });
    const push = pusher(address);
    const total = 3_000; // ~480 B per dead letter: the disk holds about a third of them
    const sending = sendAll(
      push,
      range(0, total).map((i) => `not json ${i} ${'y'.repeat(220)}`),
    );
    // While the host runs, a message counts as failed only once its line is in the file, and
    // the books balance at every poll.
    const m = await eventually(
      async () => {
        const polled = await getJson(run.url, '/api/metrics');
        const onDisk = await linesIn(dead);
        const { received, completed, dropped, failed, lost, inFlight } = polled.accounting;
        expect(failed).toBeLessThanOrEqual(onDisk);
        expect(received).toBe(completed + dropped + failed + lost + inFlight);
        return received === total && inFlight === 0 ? polled : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 50, what: `${total} messages received and settled` },
    );
    await sending;
    push.close();
    const scraped = await (await fetch(new URL('/metrics', run.url))).text();
    const writtenWhileRunning = await linesIn(dead);
    run.child.kill('SIGTERM');
    const exit = await run.exit;
    const line = accountingLine(run);
    const { failed, lost } = line.accounting;
    const letters = await readNdjson(dead);
    console.log(
      `dead letters on a full disk (${disk.how}): sent ${total}, failed ${failed}, written ${letters.length}, lost ${lost}`,
    );
    expect(lost).toBeGreaterThan(0); // the disk did fill up
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBe(letters.length);
    expect(failed).toBe(writtenWhileRunning);
    expect(failed + lost).toBe(total);
    expect(line.accounting).toMatchObject({ received: total, completed: 0, dropped: 0 });
    expect(m.accounting).toMatchObject({ received: total, failed, lost, inFlight: 0 });
    expect(sample(scraped, 'tapline_messages_failed_total')).toBe(failed);
    expect(sample(scraped, 'tapline_dead_letters_lost_total')).toBe(lost);
    expect(line.msg).toContain(`failed=${failed} lost=${lost}`);
    // The dead-letter file reports a failing stretch once, then at most every 10 s with what
    // failed since, and what was left at close: every lost line in exactly one report, and a
    // handful of reports for 20,000 failures, however long the stretch took.
    const reports = run.logs.filter((l) => l.level === 50 && l.file === dead && typeof l.lines === 'number');
    expect(reports.length).toBeGreaterThan(0);
    expect(reports.length).toBeLessThan(10);
    expect(reports.reduce((sum, l) => sum + (l.lines as number), 0)).toBe(lost);
    // And the stop says it once.
    const summary = run.logs.filter(
      (l) => l.level === 50 && /failed message\(s\) could not be written/.test(l.msg),
    );
    expect(summary).toHaveLength(1);
    expect(exit.code).toBe(1);
  });

  it('SIGHUP reopens the files (for logrotate) and never stops the pipeline', async () => {
    const dir = await workDir();
    const out = path.join(dir, 'out.ndjson');
    const { config, address } = await faultPipeline(out, 'dead.ndjson');
    const run = await pipelines.start(config, { dir });
    const push = pusher(address);
    await sendAll(push, range(0, 100).map(record));
    await settled(run, 100);
    await rename(out, `${out}.1`);
    run.child.kill('SIGHUP');
    await sendAll(push, range(100, 200).map(record));
    await settled(run, 200);
    expect(run.child.exitCode).toBe(null);
    run.child.kill('SIGTERM');
    expect((await run.exit).code).toBe(0);
    push.close();
    expect(run.logs.some((l) => /SIGHUP/.test(l.msg))).toBe(true);
    expect((await readNdjson(`${out}.1`)).map((r) => r.seq)).toEqual(range(0, 100));
    expect((await readNdjson(out)).map((r) => r.seq)).toEqual(range(100, 200));
  });
});
