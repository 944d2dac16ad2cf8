import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { isLoopbackHost } from '../config/exposure.js';
import { DASHBOARD_SCRIPTS_PATH } from './dashboard/dashboard-scripts.js';

/**
 * Paths served to anyone: probes carry no data, and the dashboard page and its scripts are
 * static until they fetch (a browser loads a script without the token the page holds).
 */
const OPEN_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/']);

function isOpen(path: string): boolean {
  return OPEN_PATHS.has(path) || path.startsWith(DASHBOARD_SCRIPTS_PATH);
}

/** Who may ask what, decided once when the server starts. */
export interface AccessPolicy {
  /** Bearer token every route but the open ones needs, or undefined for none. */
  readonly token: Buffer | undefined;
  /** On loopback: the names a Host header may carry (a page on another name is DNS rebinding). */
  readonly hostNames: ReadonlySet<string> | undefined;
}

export function accessPolicy(host: string, token: string | undefined): AccessPolicy {
  const hostNames = isLoopbackHost(host)
    ? new Set(['localhost', '127.0.0.1', '[::1]', hostName(host)])
    : undefined;
  return { token: token === undefined ? undefined : Buffer.from(token), hostNames };
}

function hostName(address: string): string {
  return isIP(address) === 6 ? `[${address}]` : address.toLowerCase();
}

/** The Host header's name without its port, lower case. */
function requestHostName(header: string): string {
  const h = header.toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.indexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

/** What refuses a request (status and reason), or undefined when it may be served. */
export function refusal(
  policy: AccessPolicy,
  req: IncomingMessage,
  path: string,
): { status: 401 | 403; error: string } | undefined {
  if (policy.hostNames !== undefined) {
    const name = requestHostName(req.headers.host ?? '');
    if (!policy.hostNames.has(name)) {
      return { status: 403, error: `this server answers to ${[...policy.hostNames].join(', ')} only` };
    }
  }
  if (policy.token === undefined || isOpen(path)) return undefined;
  const auth = req.headers.authorization ?? '';
  if (!auth.startsWith('Bearer ')) return { status: 401, error: 'a bearer token is required' };
  const given = Buffer.from(auth.slice(7).trim());
  if (given.length !== policy.token.length || !timingSafeEqual(given, policy.token)) {
    return { status: 403, error: 'the bearer token is not the one configured' };
  }
  return undefined;
}
