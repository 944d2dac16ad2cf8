import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Push } from 'zeromq';
import { eventually } from '@tapline/testkit';
import {
  defaultPipeline,
  freePort,
  killRunning,
  pluginPath,
  startRun,
  writeTempConfig,
  type RunningPipeline,
} from './cli-helpers.js';
import { launchChromium } from './support/chromium.js';

// One `tapline run` for the file: a filter that drops debug records and a coercion that fails on
// a bad field, into an archive file and a next hop behind a disk buffer that nothing listens to.
const GOOD = 30;
const DEBUG = 10;
const BAD = [
  { level: 'info', latencyMs: '<script>alert(1)</script>', note: '<b>bold</b>' },
  { level: 'warn', latencyMs: '<img src=x onerror=alert(2)>' },
  { level: 'info', latencyMs: 'fast & <i>loose</i>' },
];
const TOTAL = GOOD + DEBUG + BAD.length;
// Every panel reads an API that needs the token: the page sends it with each request.
const TOKEN = 'a-dashboard-token-of-sixteen-or-more';

let browser: Browser;
let address: string;
let run: RunningPipeline;
let dir: string;
/** `/api/metrics` once every record has settled. */
let api: any;

beforeAll(async () => {
  address = `tcp://127.0.0.1:${await freePort()}`;
  const config = defaultPipeline(address, {
    monitor: { http: { host: '127.0.0.1', port: 0, token: TOKEN } },
  });
  config.pipeline[1] = {
    id: 'check',
    plugin: pluginPath('processor'),
    options: {
      steps: [
        { type: 'filter', where: { field: 'level', ne: 'debug' } },
        { type: 'coerce', field: 'latencyMs', to: 'number' },
      ],
    },
  };
  config.pipeline[2]!.options = {
    targets: [
      { name: 'archive', type: 'file', path: 'archive.ndjson' },
      {
        name: 'next-hop',
        type: 'zmq',
        address: `ipc://${path.join(tmpdir(), `tapline-nobody-${process.pid}`)}`,
        sendTimeoutMs: -1,
        buffer: { type: 'disk', path: 'buffer' },
      },
    ],
  };
  ({ dir } = await writeTempConfig(config));
  // Each is kept as soon as it is up, so that afterAll reaches it even when the other fails.
  const started = await Promise.allSettled([
    launchChromium().then((b) => (browser = b)),
    startRun(path.join(dir, 'pipeline.config.json')).then((r) => (run = r)),
  ]);
  for (const s of started) if (s.status === 'rejected') throw s.reason;

  const push = new Push({ linger: 2000 });
  push.connect(address);
  try {
    for (let i = 0; i < GOOD; i++) await push.send(JSON.stringify({ i, level: 'info', latencyMs: '5' }));
    for (let i = 0; i < DEBUG; i++) await push.send(JSON.stringify({ i, level: 'debug', latencyMs: '1' }));
    for (const bad of BAD) await push.send(JSON.stringify(bad));
  } finally {
    push.close();
  }
  api = await eventually(async () => {
    const m = await getJson('/api/metrics');
    return m.accounting.received === TOTAL && m.accounting.inFlight === 0 ? m : undefined;
  });
  // The page opened next must find the traffic in the host's history, not in its own polls.
  await eventually(async () => {
    const h = await getJson('/api/history');
    return h.samples.at(-1).accounting.received === TOTAL ? true : undefined;
  });
}, 60_000);

afterAll(async () => {
  killRunning();
  await browser?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

async function getJson(pathname: string): Promise<any> {
  const res = await fetch(new URL(pathname, run.url), { headers: { authorization: `Bearer ${TOKEN}` } });
  if (!res.ok) throw new Error(`${pathname}: ${res.status}`);
  return res.json();
}

const attr = (page: Page, selector: string, name = 'data-value') => page.locator(selector).getAttribute(name);
const value = (page: Page, selector: string) => attr(page, selector).then((v) => (v ? Number(v) : undefined));
const revision = (page: Page) => page.locator('body').getAttribute('data-revision').then(Number);

async function openDashboard(): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  // A script or style the page's policy refused, or an error of its own, shows in its console.
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(`${run.url}#token=${TOKEN}`);
  await eventually(async () => ((await revision(page)) >= 1 ? true : undefined));
  return { page, problems };
}

describe('the dashboard panels in Chromium', { timeout: 30_000 }, () => {
  it("draws the host's history on a page opened after the traffic", async () => {
    const { page, problems } = await openDashboard();
    expect(Number(await attr(page, 'body', 'data-history'))).toBeGreaterThan(1);
    // The traffic ended before the page opened: only the host's samples hold a rate above zero.
    expect(Number(await attr(page, '#chart-throughput', 'data-peak'))).toBeGreaterThan(0);
    expect(await page.locator('#chart-throughput polyline').count()).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('shows the real dead letters as text, with a count per error code', async () => {
    const { page, problems } = await openDashboard();
    const rows = page.locator('#failures-body tr');
    await eventually(async () => ((await rows.count()) === BAD.length ? true : undefined));
    expect(await value(page, '#failures-total')).toBe(BAD.length);
    expect(await value(page, '#failure-codes [data-code="TAPLINE_ERR_TRANSFORM"]')).toBe(BAD.length);

    const letters = (await readFile(path.join(dir, 'dead-letters.ndjson'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(letters).toHaveLength(BAD.length);
    for (const letter of letters) {
      const row = page.locator(`#failures-body tr[data-message-id="${letter.messageId}"]`);
      const cell = (field: string) => row.locator(`[data-field="${field}"]`).textContent();
      expect(await cell('step')).toBe('check');
      expect(await cell('errorType')).toBe(letter.errorType);
      expect(await cell('message')).toBe(letter.message);
      expect(await cell('payload')).toBe(JSON.stringify(letter.payload));
    }
    // Newest first, and what the records held is text: no element made from it.
    expect(await rows.first().locator('[data-field="payload"]').textContent()).toBe(JSON.stringify(BAD[2]));
    expect(await page.locator('#failures-body').innerHTML()).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt;',
    );
    expect(
      await page
        .locator('#failures-body script, #failures-body b, #failures-body img, #failures-body i')
        .count(),
    ).toBe(0);
    expect(await page.locator('#failures-empty').isHidden()).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows each step's dropped count and the disk buffer's figures of a target", async () => {
    const { page } = await openDashboard();
    const dropped = (step: string) => value(page, `[data-step="${step}"] [data-field="dropped"]`);
    expect(await dropped('check')).toBe(DEBUG);
    expect(await dropped('check')).toBe(api.operations['check.handle'].dropped);
    expect(await dropped('ingest')).toBe(0);

    const m = await getJson('/api/metrics');
    const hop = m.steps.find((s: any) => s.id === 'export').outputs.find((o: any) => o.name === 'next-hop');
    expect(hop).toMatchObject({ buffer: 'disk', buffered: GOOD });
    expect(hop.logBytes).toBeGreaterThan(0);
    const row = '[data-step="export"] tr[data-output="next-hop"]';
    await eventually(async () =>
      (await value(page, `${row} [data-field="logBytes"]`)) === hop.logBytes ? true : undefined,
    );
    expect(await value(page, `${row} [data-field="buffered"]`)).toBe(GOOD);
    expect(await value(page, `${row} [data-field="oldestAgeMs"]`)).toBeGreaterThan(0);
    expect(await page.locator(`${row} [data-field="oldestAgeMs"]`).textContent()).not.toBe('–');
    // A memory target has no disk figures.
    expect(
      await page
        .locator('[data-step="export"] tr[data-output="archive"] [data-field="buffered"]')
        .textContent(),
    ).toBe('–');
    await page.close();
  });

  it("says on the source's card that it is ready, and no redelivered count ZeroMQ cannot tell", async () => {
    const { page, problems } = await openDashboard();
    const source = api.steps.find((s: any) => s.id === 'ingest');
    expect(source).toMatchObject({ kind: 'source', ready: true });
    expect(source.redelivered).toBeUndefined();
    const ready = page.locator('[data-step="ingest"] [data-field="ready"]');
    expect(await ready.textContent()).toBe('ready');
    expect(await ready.getAttribute('data-ready')).toBe('true');
    expect(await page.locator('[data-step="ingest"] [data-field="redelivered"]').textContent()).toBe('');
    // Only a source's card has the line.
    expect(
      await page.locator('[data-step="check"] .source-state, [data-step="export"] .source-state').count(),
    ).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('marks a source that is not ready, and shows what its broker redelivered', async () => {
    // A source that cannot take messages in (a NATS source whose connection dropped) is not one
    // the host starts with, so the host's own answer is changed on its way to the page.
    const page = await browser.newPage();
    await page.route('**/api/metrics', async (route) => {
      const res = await route.fetch();
      const m = await res.json();
      for (const s of m.steps) if (s.kind === 'source') Object.assign(s, { ready: false, redelivered: 1234 });
      await route.fulfill({ response: res, json: m });
    });
    await page.goto(`${run.url}#token=${TOKEN}`);
    const ready = page.locator('[data-step="ingest"] [data-field="ready"]');
    await eventually(async () => ((await ready.getAttribute('data-ready')) === 'false' ? true : undefined));
    expect(await ready.textContent()).toBe('not ready');
    expect(await ready.innerText()).toBe('NOT READY');
    const redelivered = page.locator('[data-step="ingest"] [data-field="redelivered"]');
    expect(await redelivered.getAttribute('data-value')).toBe('1234');
    expect(await redelivered.textContent()).toBe('1,234 redelivered');
    await page.close();
  });

  it('taps a step live: the records it hands on, shown as text', async () => {
    const { page, problems } = await openDashboard();
    await page.locator('#tap-step').selectOption('check');
    await page.locator('#tap-side').selectOption('output');
    await page.locator('#tap-toggle').click();
    const rows = page.locator('#tap-records li');
    const push = new Push({ linger: 2000 });
    push.connect(address);
    const sent = new Map<number, unknown>();
    try {
      // The tap is attached once the host took the request: send until records show.
      for (let i = 0; (await rows.count()) < 3; i++) {
        if (i > 200) throw new Error('the tap panel showed no records');
        const record = { i, level: 'info', latencyMs: String(i), note: '<b>bold</b>' };
        sent.set(i, { ...record, latencyMs: i });
        await push.send(JSON.stringify(record));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      push.close();
    }
    for (const row of await rows.all()) {
      expect(await row.getAttribute('data-side')).toBe('output');
      const record = JSON.parse((await row.locator('.t-record').textContent())!);
      expect(record).toEqual(sent.get(record.i));
    }
    expect(await page.locator('#tap-records b').count()).toBe(0);
    expect(await page.locator('#tap-status').getAttribute('data-state')).toBe('tapping');
    expect(Number(await attr(page, '#tap-shown'))).toBeGreaterThanOrEqual(3);
    await page.locator('#tap-toggle').click();
    expect(await page.locator('#tap-status').getAttribute('data-state')).toBe('idle');
    expect(problems).toEqual([]);
    await page.close();
  });
});
