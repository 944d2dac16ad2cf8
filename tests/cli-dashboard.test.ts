import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '@tapline/testkit';
import {
  defaultPipeline,
  freePort,
  killRunning,
  settled,
  startRun,
  tapline,
  type RunningPipeline,
  writeTempConfig,
} from './cli-helpers.js';
import { launchChromium } from './support/chromium.js';

let browser: Browser;
let run: RunningPipeline;
let address: string;
let dir: string;

beforeAll(async () => {
  address = `tcp://127.0.0.1:${await freePort()}`;
  const config = defaultPipeline(address);
  const processor = config.pipeline[1]!.options;
  processor.steps = [{ type: 'filter', where: { field: 'level', ne: 'debug' } }];
  ({ dir } = await writeTempConfig(config));
  // Each is kept as soon as it is up, so that afterAll reaches it even when the other fails.
  const started = await Promise.allSettled([
    launchChromium().then((b) => (browser = b)),
    startRun(path.join(dir, 'pipeline.config.json')).then((r) => (run = r)),
  ]);
  for (const s of started) if (s.status === 'rejected') throw s.reason;
}, 30_000);

afterAll(async () => {
  // A host whose start timed out never reached `run`: killRunning reaches it too.
  killRunning();
  await browser?.close();
});

const value = (page: Page, selector: string) =>
  page
    .locator(selector)
    .getAttribute('data-value')
    .then((v) => (v === null || v === '' ? undefined : Number(v)));
const revision = (page: Page) => page.locator('body').getAttribute('data-revision').then(Number);

describe('the dashboard in Chromium', { timeout: 30_000 }, () => {
  it('shows live numbers that match /api/metrics, fetching nothing but its own host', async () => {
    const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(run.url);
    await eventually(async () => ((await revision(page)) >= 1 ? true : undefined));

    // While traffic flows, the page's count goes up on its own.
    const publishing = tapline(['publish', '--address', address, '--count', '600', '--rate', '400']);
    const first = await eventually(async () => {
      const v = await value(page, '#acc-received');
      return v !== undefined && v > 0 ? v : undefined;
    });
    await eventually(async () => ((await value(page, '#acc-received'))! > first ? true : undefined));
    await eventually(async () => ((await value(page, '#throughput-now'))! > 0 ? true : undefined));
    expect((await publishing).code).toBe(0);
    const malformed = path.join(dir, 'malformed.ndjson');
    await writeFile(malformed, 'not json\n{"level": "info"\n');
    expect((await tapline(['publish', '--address', address, '--file', malformed])).code).toBe(0);

    // Once the traffic is over, a fresh poll shows exactly what the API says.
    const api = await settled(run, 602);
    const seen = await revision(page);
    await eventually(async () => ((await revision(page)) >= seen + 2 ? true : undefined));
    for (const key of ['received', 'completed', 'dropped', 'failed', 'lost', 'inFlight']) {
      expect(await value(page, `#acc-${key}`), key).toBe(api.accounting[key]);
    }
    expect(api.accounting.failed).toBe(2);
    expect(api.accounting.dropped).toBeGreaterThan(0);
    expect(await page.locator('#acc-received').textContent()).toBe((602).toLocaleString('en-US'));

    for (const step of api.steps as Array<Record<string, string>>) {
      const card = page.locator(`[data-step="${step.id}"]`);
      await expect(card.locator('.plugin').textContent()).resolves.toBe(step.plugin);
      await expect(card.locator('.types').textContent()).resolves.toBe(`${step.input} → ${step.output}`);
      const op = api.operations[`${step.id}.handle`];
      const field = (name: string) => value(page, `[data-step="${step.id}"] [data-field="${name}"]`);
      expect(await field('handled')).toBe(op.success);
      expect(await field('errors')).toBe(op.errors);
      expect(await field('p50')).toBe(op.durations.p50);
      expect(await field('p99')).toBe(op.durations.p99);
      expect(await field('errorRate')).toBeCloseTo(op.errors / (op.success + op.errors), 12);
    }
    expect(await page.locator('[data-step="ingest"] .errtypes').textContent()).toContain('× 2');
    // One row per exporter target under its card, with that target's books.
    const [target] = (api.steps as Array<{ id: string; outputs?: Array<Record<string, number>> }>).find(
      (s) => s.id === 'export',
    )!.outputs!;
    const row = page.locator('[data-step="export"] tr[data-output="file"]');
    for (const key of ['written', 'dropped', 'deadLettered', 'lost', 'queued']) {
      expect(await row.locator(`[data-field="${key}"]`).getAttribute('data-value'), key).toBe(
        String(target![key]),
      );
    }
    expect(target!.written).toBe(api.accounting.completed);
    expect(Number(await page.locator('#latency-now').getAttribute('data-p99'))).toBe(api.latency.p99);
    expect(await page.locator('#chart-throughput polyline').count()).toBeGreaterThan(0);
    expect(await page.locator('#chart-latency polyline').count()).toBeGreaterThan(0);
    expect(await page.locator('#state').getAttribute('data-state')).toBe('running');

    const origin = new URL(run.url).origin;
    expect(requests.length).toBeGreaterThan(2);
    expect(requests.filter((u) => !u.startsWith(origin))).toEqual([]);
    if (process.env.TAPLINE_DASHBOARD_SCREENSHOT) {
      await page.screenshot({ path: process.env.TAPLINE_DASHBOARD_SCREENSHOT, fullPage: true });
    }
    await page.close();
  });

  it('shows each reload: the new chain, the counts and the last result', async () => {
    const page = await browser.newPage();
    await page.goto(run.url);
    await eventually(async () => ((await revision(page)) >= 1 ? true : undefined));
    expect(await page.locator('#reload').getAttribute('data-last')).toBe('');
    const file = path.join(dir, 'pipeline.config.json');
    const config = defaultPipeline(address);
    config.pipeline.splice(2, 0, {
      id: 'stamp',
      plugin: config.pipeline[1]!.plugin,
      options: { steps: [{ type: 'set', field: 'stamped', value: true }] },
    });
    await writeFile(file, JSON.stringify(config));
    run.child.kill('SIGHUP');
    await eventually(async () =>
      (await page.locator('#reload').getAttribute('data-success')) === '1' ? true : undefined,
    );
    expect(await page.locator('#reload').getAttribute('data-last')).toBe('success');
    expect(await page.locator('[data-step="stamp"]').count()).toBe(1);

    await writeFile(file, '{ "pipeline": [ }');
    run.child.kill('SIGHUP');
    await eventually(async () =>
      (await page.locator('#reload').getAttribute('data-last')) === 'failure' ? true : undefined,
    );
    expect(await page.locator('#reload').getAttribute('data-failure')).toBe('1');
    expect(await page.locator('#reload').textContent()).toContain('1 ok · 1 failed · last FAILED');
    expect(await page.locator('[data-step="stamp"]').count()).toBe(1);
    await page.close();
  });

  it('says when the host is gone', async () => {
    const page = await browser.newPage();
    await page.goto(run.url);
    await eventually(async () => ((await revision(page)) >= 1 ? true : undefined));
    run.child.kill('SIGTERM');
    expect((await run.exit).code).toBe(0);
    await eventually(async () =>
      (await page.locator('#state').getAttribute('data-state')) === 'offline' ? true : undefined,
    );
    await page.close();
  });
});
