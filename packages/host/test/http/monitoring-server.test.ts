import { createServer } from 'node:net';
import { Agent, request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { prometheus } from '@tapline/core';
import { startMonitoringServer, type MonitoringServer } from '../../src/http/monitoring-server.js';
import { parsePrometheusText, sampleValue } from './prometheus-text.js';
import { stubSource } from './stub-source.js';

const servers: MonitoringServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(source = stubSource()) {
  const server = await startMonitoringServer({ port: 0, source });
  servers.push(server);
  return { server, source, url: (path: string) => new URL(path, server.url).href };
}

function traffic(source: ReturnType<typeof stubSource>): void {
  for (let i = 0; i < 20; i++) source.send(JSON.stringify({ i }));
  source.send('not json');
  source.send('{broken');
  source.send('null');
}

describe('startMonitoringServer', () => {
  it('listens on loopback on a free port when given port 0', async () => {
    const { server } = await start();
    expect(server.address).toBe('127.0.0.1');
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
  });

  it('answers /healthz, and /readyz only while the source is ready', async () => {
    const { source, url } = await start();
    expect((await fetch(url('/healthz'))).status).toBe(200);
    const notReady = await fetch(url('/readyz'));
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ ready: false });
    source.ready = true;
    expect((await fetch(url('/readyz'))).status).toBe(200);
  });

  it('serves getMetrics() as JSON on /api/metrics', async () => {
    const { source, url } = await start();
    traffic(source);
    const res = await fetch(url('/api/metrics'));
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as ReturnType<typeof source.getMetrics>;
    expect(body).toEqual(JSON.parse(JSON.stringify(source.getMetrics())));
    expect(body.accounting).toEqual({
      received: 23,
      completed: 20,
      dropped: 0,
      failed: 3,
      lost: 0,
      inFlight: 0,
      held: 0,
      droppedBy: { filtered: 0 },
    });
  });

  it("exposes each step's queue wait apart from its service time, and its utilisation, on /metrics", async () => {
    const { source, url } = await start();
    traffic(source);
    const m = parsePrometheusText(await (await fetch(url('/metrics'))).text());
    const op = source.getMetrics().operations['parse.handle']!;
    expect(m.get('tapline_step_queue_wait_seconds')!.type).toBe('summary');
    expect(
      sampleValue(
        m,
        'tapline_step_queue_wait_seconds',
        { step: 'parse' },
        'tapline_step_queue_wait_seconds_count',
      ),
    ).toBe(op.queueWait.added);
    expect(m.get('tapline_step_utilisation_ratio')!.type).toBe('gauge');
    const utilisation = sampleValue(m, 'tapline_step_utilisation_ratio', { step: 'parse' })!;
    expect(utilisation).toBe(op.utilisation);
    expect(utilisation).toBeGreaterThan(0);
    expect(utilisation).toBeLessThanOrEqual(1);
  });

  it('exposes the accounting, per-step counters by error type, durations, latency and process metrics on /metrics', async () => {
    const { source, url } = await start();
    new prometheus.Counter({
      name: 'plugin_own_total',
      help: 'a plugin metric',
      registers: [source.registry],
    }).inc(7);
    traffic(source);
    const res = await fetch(url('/metrics'));
    expect(res.headers.get('content-type')).toBe(prometheus.Registry.PROMETHEUS_CONTENT_TYPE);
    const m = parsePrometheusText(await res.text());
    expect(sampleValue(m, 'tapline_messages_received_total')).toBe(23);
    expect(sampleValue(m, 'tapline_messages_completed_total')).toBe(20);
    expect(sampleValue(m, 'tapline_messages_failed_total')).toBe(3);
    expect(sampleValue(m, 'tapline_messages_dropped_total')).toBe(0);
    expect(sampleValue(m, 'tapline_messages_in_flight')).toBe(0);
    expect(m.get('tapline_messages_in_flight')!.type).toBe('gauge');
    expect(m.get('tapline_step_handled_total')!.type).toBe('counter');
    expect(
      sampleValue(m, 'tapline_step_handled_total', {
        step: 'parse',
        plugin: 'test:parse',
        operation: 'handle',
      }),
    ).toBe(21);
    expect(
      sampleValue(m, 'tapline_step_errors_total', { step: 'parse', error_type: 'TAPLINE_ERR_DECODE' }),
    ).toBe(2);
    expect(sampleValue(m, 'tapline_step_errors_total', { step: 'pass', error_type: 'TypeError' })).toBe(1);

    const durations = source.getMetrics().operations['parse.handle']!.durations;
    expect(m.get('tapline_step_duration_seconds')!.type).toBe('summary');
    expect(sampleValue(m, 'tapline_step_duration_seconds', { step: 'parse', quantile: '0.99' })).toBeCloseTo(
      durations.p99 / 1000,
      9,
    );
    expect(
      sampleValue(
        m,
        'tapline_step_duration_seconds',
        { step: 'parse' },
        'tapline_step_duration_seconds_count',
      ),
    ).toBe(23); // every record handled: a batch's service time covers its failed records too
    expect(
      sampleValue(m, 'tapline_step_duration_seconds', { step: 'parse' }, 'tapline_step_duration_seconds_sum'),
    ).toBeCloseTo(durations.sumMs / 1000, 9);
    expect(durations.sumMs).toBeGreaterThan(0);
    const latency = source.getMetrics().latency;
    expect(
      sampleValue(m, 'tapline_end_to_end_latency_seconds', {}, 'tapline_end_to_end_latency_seconds_sum'),
    ).toBeCloseTo(latency.sumMs / 1000, 9);
    expect(
      sampleValue(m, 'tapline_end_to_end_latency_seconds', {}, 'tapline_end_to_end_latency_seconds_count'),
    ).toBe(20);
    expect(sampleValue(m, 'tapline_end_to_end_latency_seconds', { quantile: '0.5' })).toBeCloseTo(
      latency.p50 / 1000,
      9,
    );
    expect(sampleValue(m, 'tapline_ready')).toBe(0);
    expect(sampleValue(m, 'plugin_own_total')).toBe(7);
    expect(m.get('process_cpu_user_seconds_total')?.samples.length).toBe(1);
    expect(m.get('nodejs_eventloop_lag_seconds')).toBeDefined();
  });

  it('reports an empty duration window as NaN quantiles, not zero', async () => {
    const { url } = await start();
    const m = parsePrometheusText(await (await fetch(url('/metrics'))).text());
    expect(sampleValue(m, 'tapline_end_to_end_latency_seconds', { quantile: '0.5' })).toBeNaN();
  });

  it('serves a self-contained dashboard on /', async () => {
    const { url } = await start();
    const res = await fetch(url('/'));
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("connect-src 'self'");
    const html = await res.text();
    expect(html).toContain('/api/metrics');
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
  });

  it("serves the page's script, compiled from TypeScript, as modules of its own that the CSP allows", async () => {
    const { url } = await start();
    const res = await fetch(url('/'));
    const directives = res.headers.get('content-security-policy')!.split(/;\s*/);
    expect(directives).toContain("script-src 'self'");
    const scripts = [...(await res.text()).matchAll(/<script([^>]*)>([^<]*)<\/script>/g)];
    expect(scripts.map(([, attrs, body]) => [attrs, body])).toEqual([
      [' type="module" src="/dashboard/main.js"', ''],
    ]);
    // Every module the entry imports, and those they import, is served as JavaScript.
    const pending = ['/dashboard/main.js'];
    const served = new Set<string>();
    while (pending.length > 0) {
      const path = pending.pop()!;
      if (served.has(path)) continue;
      served.add(path);
      const js = await fetch(url(path));
      expect(js.status, path).toBe(200);
      expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      for (const [, spec] of (await js.text()).matchAll(/^import .* from '(.+)';$/gm)) {
        pending.push(new URL(spec!, url(path)).pathname);
      }
    }
    expect([...served]).toEqual(expect.arrayContaining(['/dashboard/format.js', '/dashboard/svg-chart.js']));
  });

  it('answers 404 for unknown paths and 405 for other methods', async () => {
    const { url } = await start();
    expect((await fetch(url('/nope'))).status).toBe(404);
    const post = await fetch(url('/metrics'), { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('closes while a client holds a keep-alive connection, and the registry can serve again', async () => {
    const source = stubSource();
    const { server } = await start(source);
    await new Promise<void>((resolve) => {
      request(server.url + 'healthz', { agent: new Agent({ keepAlive: true }) }, (res) => {
        res.resume();
        res.on('end', resolve);
      }).end();
    });
    await server.close();
    const again = await start(source);
    expect((await fetch(again.url('/metrics'))).status).toBe(200);
  });

  it('refuses a port in use with TAPLINE_ERR_ADDRESS_IN_USE', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startMonitoringServer({ port, source: stubSource() })).rejects.toMatchObject({
        code: 'TAPLINE_ERR_ADDRESS_IN_USE',
      });
    } finally {
      blocker.close();
    }
  });
});
