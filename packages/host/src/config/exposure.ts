import { isIP } from 'node:net';
import type { Problem } from '@tapline/core';

/** True for `localhost`, 127.0.0.0/8 and ::1: the addresses only this machine reaches. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare === 'localhost' || bare === '::1' || bare === '::ffff:127.0.0.1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

/**
 * A problem (at `/monitor/http`) when the API would be reachable from other machines with
 * neither a token nor an explicit `unauthenticated: true`.
 */
export function exposureProblem(
  host: string,
  token: string | undefined,
  unauthenticated: boolean | undefined,
): Problem | undefined {
  if (isLoopbackHost(host) || token !== undefined || unauthenticated === true) return undefined;
  return {
    path: '/monitor/http',
    message:
      `the monitoring API on "${host}" is reachable from other machines: set "token" (clients send ` +
      `"Authorization: Bearer <token>"), or "unauthenticated": true to serve it open, or bind "127.0.0.1"`,
  };
}
