import { connect } from 'node:net';
import { request } from 'node:http';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '@tapline/core';
import { silentLogger } from '@tapline/core/internal';
import { loadConfig } from '../../src/config/load-config.js';
import { startMonitoringServer, type MonitoringServer } from '../../src/http/monitoring-server.js';
import { caught, removeTempDirs, tempDir, writeConfig } from '../helpers.js';
import { stubSource } from './stub-source.js';

const TOKEN = 'a-token-of-sixteen-or-more';
const servers: MonitoringServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(removeTempDirs);

interface Line {
  level: string;
  obj: unknown;
  msg: unknown;
}
function recordingLogger(lines: Line[]): Logger {
  const at = (level: string) => (obj: unknown, msg?: unknown) => lines.push({ level, obj, msg });
  return { ...silentLogger, warn: at('warn'), error: at('error'), child: () => recordingLogger(lines) };
}

async function start(
  options: { host?: string; token?: string; unauthenticated?: boolean },
  lines: Line[] = [],
) {
  const server = await startMonitoringServer({
    port: 0,
    source: stubSource(),
    logger: recordingLogger(lines),
    ...options,
  });
  servers.push(server);
  return server;
}

/** A GET over node:http, which lets a test set Host and Authorization as a client would. */
function get(port: number, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

/** Sends a raw request line (which node:http and fetch would refuse to write) and reads the status. */
function rawStatus(port: number, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => (text += c));
    socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)));
    socket.on('error', reject);
  });
}

describe('who may read the monitoring API', () => {
  it('refuses to serve off loopback with neither a token nor unauthenticated: true', async () => {
    const err = await caught(() => startMonitoringServer({ host: '0.0.0.0', port: 0, source: stubSource() }));
    expect(err).toMatchObject({ code: 'TAPLINE_ERR_CONFIG_INVALID', problems: [{ path: '/monitor/http' }] });
  });

  it('validation refuses the same config with the line of monitor.http', async () => {
    const dir = await tempDir();
    await writeConfig(dir, { pipeline: [{ plugin: './s.mjs' }], monitor: { http: { host: '0.0.0.0' } } });
    const err = await caught(() => loadConfig({ cwd: dir }));
    expect(err).toMatchObject({ code: 'TAPLINE_ERR_CONFIG_INVALID' });
    expect(err.problems).toEqual([expect.objectContaining({ path: '/monitor/http', line: 8 })]);
    await writeConfig(dir, {
      pipeline: [{ plugin: './s.mjs' }],
      monitor: { http: { host: '0.0.0.0', token: TOKEN } },
    });
    expect((await loadConfig({ cwd: dir })).monitor.http).toMatchObject({ token: TOKEN });
  });

  it('off loopback with a token: probes stay open, data needs the bearer token', async () => {
    const lines: Line[] = [];
    const { port } = await start({ host: '0.0.0.0', token: TOKEN }, lines);
    expect((await get(port, '/healthz')).status).toBe(200);
    expect((await get(port, '/readyz')).status).toBe(503);
    const none = await get(port, '/metrics');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect(
      (await get(port, '/api/metrics', { authorization: 'Bearer wrong-token-of-same-size' })).status,
    ).toBe(403);
    const ok = await get(port, '/metrics', { authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('tapline_messages_received_total');
    expect(lines.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('with a token, the dashboard page and its script load without it, as a browser asks for them', async () => {
    const { port } = await start({ host: '0.0.0.0', token: TOKEN });
    const page = await get(port, '/');
    expect(page.status).toBe(200);
    const entry = /<script type="module" src="([^"]+)"/.exec(page.body)![1]!;
    const script = await get(port, entry);
    expect(script.status).toBe(200);
    expect(script.body).toContain("getJson('/api/metrics')");
    expect((await get(port, '/api/metrics')).status).toBe(401);
  });

  it('off loopback, unauthenticated: true serves openly and warns at start', async () => {
    const lines: Line[] = [];
    const { port } = await start({ host: '0.0.0.0', unauthenticated: true }, lines);
    expect((await get(port, '/metrics', { host: 'any.example' })).status).toBe(200);
    expect(lines.filter((l) => l.level === 'warn')).toHaveLength(1);
  });

  it('on loopback answers only to its own names, so a rebound DNS name cannot read it', async () => {
    const { port } = await start({});
    expect((await get(port, '/metrics', { host: `localhost:${port}` })).status).toBe(200);
    expect((await get(port, '/metrics', { host: `127.0.0.1:${port}` })).status).toBe(200);
    const rebound = await get(port, '/api/metrics', { host: `attacker.example:${port}` });
    expect(rebound.status).toBe(403);
    expect(rebound.body).not.toContain('accounting');
  });

  it('answers 400 to absolute-form and malformed targets without logging an error', async () => {
    const lines: Line[] = [];
    const { port } = await start({}, lines);
    expect(await rawStatus(port, 'http://a:b/')).toBe(400);
    expect(await rawStatus(port, 'http://127.0.0.1/metrics')).toBe(400);
    expect(await rawStatus(port, '*')).toBe(400);
    expect(await rawStatus(port, '//evil/metrics')).toBe(400);
    expect(await rawStatus(port, '/metrics?x=1')).toBe(200);
    expect(lines).toEqual([]);
  });

  it('sends X-Content-Type-Options: nosniff on every answer', async () => {
    const { port } = await start({});
    for (const path of ['/', '/metrics', '/api/metrics', '/healthz', '/nope']) {
      expect((await get(port, path)).headers['x-content-type-options']).toBe('nosniff');
    }
  });
});
