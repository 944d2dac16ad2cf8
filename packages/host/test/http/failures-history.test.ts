import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startMonitoringServer, type MonitoringServer } from '../../src/http/monitoring-server.js';
import type { MetricsHistorySnapshot } from '../../src/http/metrics-history.js';
import type { Host } from '../../src/runtime/host.js';
import {
  RECENT_FAILURES,
  RECENT_PAYLOAD_CHARS,
  type RecentFailuresSnapshot,
} from '../../src/runtime/recent-failures.js';
import { removeTempDirs } from '../helpers.js';
import { behave, hostFor, listSource, sink } from '../run-helpers.js';

const TOKEN = 'a-token-of-sixteen-or-more';
const HISTORY = { intervalMs: 20, samples: 5 };
const FAILING = RECENT_FAILURES + 10;

// One host for the file: more failures than the ring keeps, a payload longer than it keeps of
// one, markup in a payload, drops and completions.
const messages = [
  ...Array.from({ length: FAILING }, (_, n) => ({ n, fail: true, note: '<b>bold</b>' })),
  { n: 'long', fail: true, pad: 'x'.repeat(RECENT_PAYLOAD_CHARS * 2) },
  ...Array.from({ length: 5 }, (_, n) => ({ n, drop: true })),
  ...Array.from({ length: 7 }, (_, n) => ({ n })),
];

let host: Host;
let server: MonitoringServer;

beforeAll(async () => {
  ({ host } = await hostFor([listSource(messages), behave('check'), sink], {
    deadLetter: { path: 'dead-letters.ndjson' },
  }));
  server = await startMonitoringServer({ port: 0, source: host, token: TOKEN, history: HISTORY });
  await host.start();
  await vi.waitFor(() => {
    expect(host.getMetrics().accounting).toMatchObject({ received: messages.length, inFlight: 0 });
  });
});

afterAll(async () => {
  await host?.stop();
  await server?.close();
  await removeTempDirs();
});

const get = (path: string, token = TOKEN) =>
  fetch(new URL(path, server.url), { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('GET /api/failures', () => {
  it('serves the latest failures, newest first, within a bounded ring, with every failure counted by code', async () => {
    const res = await get('/api/failures');
    expect(res.status).toBe(200);
    const body = (await res.json()) as RecentFailuresSnapshot;
    const codes = host.getMetrics().operations['check.handle']!.errorTypes;
    expect(body.total).toBe(FAILING + 1);
    expect(body.total).toBe(host.getMetrics().accounting.failed);
    expect(body.byCode).toEqual(codes);
    expect(body.capacity).toBe(RECENT_FAILURES);
    expect(body.recent).toHaveLength(RECENT_FAILURES);
    const ids = body.recent.map((f) => f.messageId ?? -1); // every one here has its id
    expect(ids).toEqual([...ids].sort((a, b) => b - a));

    const [long, latest] = body.recent;
    expect(long).toMatchObject({ step: 'check', errorType: Object.keys(codes)[0], truncated: true });
    expect(long!.message).toContain('refused record long');
    expect(long!.payload).toHaveLength(RECENT_PAYLOAD_CHARS);
    expect(long!.payload.startsWith('{"n":"long"')).toBe(true);
    // The payload is the record's text, as it came: markup is left to the page to show as text.
    expect(latest!.payload).toBe(JSON.stringify(messages[FAILING - 1]));
    expect(latest!.truncated).toBe(false);
    expect(Date.parse(latest!.time)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('needs the token, as /api/metrics does', async () => {
    expect((await get('/api/failures', '')).status).toBe(401);
    expect((await get('/api/failures', 'a-wrong-token-of-same-size')).status).toBe(403);
    expect((await get('/api/metrics', '')).status).toBe(401);
  });
});

describe('GET /api/history', () => {
  it('keeps a bounded ring of samples of the counters, oldest first, ending at the current figures', async () => {
    // Twice as many intervals as the ring holds have passed once a full ring moved on.
    const first = ((await (await get('/api/history')).json()) as MetricsHistorySnapshot).samples[0]!.t;
    const body = await vi.waitFor(async () => {
      const h = (await (await get('/api/history')).json()) as MetricsHistorySnapshot;
      expect(h.samples).toHaveLength(HISTORY.samples);
      expect(h.samples[0]!.t).toBeGreaterThan(first);
      return h;
    });
    expect(body).toMatchObject({ intervalMs: HISTORY.intervalMs, capacity: HISTORY.samples });
    const times = body.samples.map((s) => s.t);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const m = host.getMetrics();
    const last = body.samples.at(-1)!;
    const { received, completed, dropped, failed, lost, inFlight } = m.accounting;
    expect(last.accounting).toEqual({ received, completed, dropped, failed, lost, inFlight });
    expect(last.steps.check).toEqual({ handled: messages.length, dropped: 5, errors: FAILING + 1 });
    expect(last.steps.in!.handled).toBe(messages.length);
    expect(last.latency.count).toBe(m.latency.count);
  });

  it('needs the token', async () => {
    expect((await get('/api/history', '')).status).toBe(401);
    expect((await get('/api/history', 'a-wrong-token-of-same-size')).status).toBe(403);
  });
});
