import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { codeOf, AddressError, ConfigError, type Logger } from '@tapline/core';
import { silentLogger } from '@tapline/core/internal';
import { exposureProblem, isLoopbackHost } from '../config/exposure.js';
import { accessPolicy, refusal } from './access-policy.js';
import { loadDashboardScripts } from './dashboard/dashboard-scripts.js';
import { dashboardPage } from './dashboard/page.js';
import { MetricsHistory, type MetricsHistoryOptions } from './metrics-history.js';
import type { MonitoringSource } from './monitoring-source.js';
import { registerTaplineMetrics } from './prometheus-metrics.js';
import { requestPath } from './request-target.js';
import { tapRoute, type TapTarget } from './tap-route.js';
import { readReplayRequest, type ReplayTarget } from './replay-route.js';

const PAGE_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:";
const SCRIPT_TYPE = 'text/javascript; charset=utf-8';

export interface MonitoringServerOptions {
  /** Loopback unless told otherwise. */
  readonly host?: string;
  /**
   * The bearer token every route but `/healthz`, `/readyz` and the static `/` needs. Off
   * loopback a token is required unless `unauthenticated` is true, which logs a warning.
   */
  readonly token?: string;
  readonly unauthenticated?: boolean;
  /** 0 picks a free port; read the chosen one from the result. */
  readonly port?: number;
  readonly source: MonitoringSource;
  readonly logger?: Logger;
  /** How `GET /api/history` samples the counters (default: each second, for ten minutes). */
  readonly history?: MetricsHistoryOptions;
  /** Live taps of the source's steps (`GET /api/tap`); none: 404 there. `HostTaps` serves a host's. */
  readonly taps?: TapTarget;
}

export interface MonitoringServer {
  readonly address: string;
  readonly port: number;
  /** `http://host:port/`, the dashboard. */
  readonly url: string;
  /** Stops listening, ends open connections (a dashboard keeps one alive) and unregisters the metrics. */
  close(): Promise<void>;
}

/**
 * Serves the monitoring API over node:http: `/metrics` (Prometheus text), `/api/metrics`
 * (JSON), `/api/history` (the counters of the last minutes), `/api/failures` (the latest
 * failures), `/api/replay`, `/api/tap` (live records), `/healthz`, `/readyz` and `/` (the dashboard).
 */
export async function startMonitoringServer(options: MonitoringServerOptions): Promise<MonitoringServer> {
  const { source, taps } = options;
  const log = options.logger ?? silentLogger;
  const scripts = await loadDashboardScripts();
  const unregister = registerTaplineMetrics(source);
  const page = dashboardPage();
  const history = new MetricsHistory(() => source.getMetrics(), options.history);
  const routes: Record<string, (res: ServerResponse) => Promise<void> | void> = {
    '/': (res) => {
      // The page talks to this server only; say so, so a browser enforces it.
      res.setHeader('content-security-policy', PAGE_POLICY);
      send(res, 200, 'text/html; charset=utf-8', page);
    },
    '/metrics': async (res) => send(res, 200, source.registry.contentType, await source.registry.metrics()),
    '/api/metrics': (res) =>
      sendJson(
        res,
        200,
        taps === undefined ? source.getMetrics() : { ...source.getMetrics(), taps: taps.snapshot() },
      ),
    '/api/history': (res) => sendJson(res, 200, history.snapshot()),
    '/api/failures': (res) =>
      source.recentFailures === undefined
        ? sendJson(res, 404, { error: 'this host keeps no recent failures' })
        : sendJson(res, 200, source.recentFailures()),
    '/healthz': (res) => sendJson(res, 200, { status: 'ok' }),
    '/readyz': (res) => {
      const ready = source.ready;
      sendJson(res, ready ? 200 : 503, { ready });
    },
  };

  const host = options.host ?? '127.0.0.1';
  const problem = exposureProblem(host, options.token, options.unauthenticated);
  if (problem !== undefined) {
    unregister();
    history.close();
    throw new ConfigError('TAPLINE_ERR_CONFIG_INVALID', undefined, [problem]);
  }
  const policy = accessPolicy(host, options.token);
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error({ err, url: req.url }, 'the monitoring API failed to answer a request');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('x-content-type-options', 'nosniff');
    const path = requestPath(req.url);
    if (path === undefined)
      return sendJson(res, 400, { error: 'the request target must be a path such as /metrics' });
    const refused = refusal(policy, req, path);
    if (refused !== undefined) {
      if (refused.status === 401) res.setHeader('www-authenticate', 'Bearer');
      return sendJson(res, refused.status, { error: refused.error });
    }
    if (path === '/api/replay' && source.replay !== undefined)
      return replayRoute(req, res, source.replay.bind(source));
    if (path === '/api/tap' && taps !== undefined) return tapRoute(req, res, taps, sendJson);
    const script = scripts.get(path);
    const route =
      script === undefined ? routes[path] : (r: ServerResponse) => send(r, 200, SCRIPT_TYPE, script);
    if (route === undefined)
      return sendJson(res, 404, { error: `no route ${path}`, routes: Object.keys(routes) });
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return sendJson(res, 405, { error: `${req.method} is not allowed on ${path}` });
    }
    await route(res);
  }

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 9464, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    unregister();
    history.close();
    throw listenError(err, host, options.port ?? 9464);
  }
  const address = server.address() as AddressInfo;
  if (!isLoopbackHost(host) && options.token === undefined) {
    log.warn(
      { address: address.address, port: address.port },
      `the monitoring API is served without authentication on ${host}: anyone who reaches it reads the metrics. Set monitor.http.token, or bind 127.0.0.1`,
    );
  }
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    address: address.address,
    port: address.port,
    url: `http://${urlHost}:${address.port}/`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        unregister();
        history.close();
      });
      return closing;
    },
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(body),
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

function listenError(err: unknown, host: string, port: number): AddressError {
  const code = codeOf(err);
  const where = `${host}:${port}`;
  return code === 'EADDRINUSE'
    ? new AddressError(
        'TAPLINE_ERR_ADDRESS_IN_USE',
        where,
        `The monitoring API cannot listen on ${where}: the port is in use. Pick another monitor.http.port (0 picks a free one).`,
        err,
      )
    : new AddressError(
        'TAPLINE_ERR_ADDRESS_INVALID',
        where,
        `The monitoring API cannot listen on ${where}: ${(err as Error).message}. Check monitor.http in the config.`,
        err,
      );
}

/** `POST /api/replay`: sends the entries in and answers each one's outcome once it is durable. */
async function replayRoute(
  req: IncomingMessage,
  res: ServerResponse,
  replay: ReplayTarget['replay'],
): Promise<void> {
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    return sendJson(res, 405, { error: 'POST letters to replay to /api/replay' });
  }
  // Not a form's content type: a page of another site cannot post one without a preflight, which is never granted.
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    return sendJson(res, 415, { error: 'a replay request is application/json' });
  }
  const entries = await readReplayRequest(req);
  if (!Array.isArray(entries)) return sendJson(res, entries.status, { error: entries.error });
  try {
    sendJson(res, 200, { outcomes: await replay(entries) });
  } catch (err) {
    sendJson(res, 409, { error: err instanceof Error ? err.message : String(err), code: codeOf(err) });
  }
}
