import type { Problem } from '@tapline/core';
import type { NatsSourceOptions } from './options.js';

const SERVER = /^(nats|tls|ws|wss):\/\/[^/\s]+$|^[^:/\s]+:\d+$/;

/** Checks beyond the schema, each problem at its path in the options. */
export function checkOptions(options: NatsSourceOptions): Problem[] {
  const problems: Problem[] = [];
  options.servers.forEach((server, i) => {
    if (!server.includes('${') && !SERVER.test(server)) {
      problems.push({
        path: `/servers/${i}`,
        message: `"${server}" is not a NATS server address; use nats://host:port`,
      });
    }
  });
  if (options.token !== undefined && options.user !== undefined) {
    problems.push({ path: '/token', message: 'use either token or user and password, not both' });
  }
  if (options.password !== undefined && options.user === undefined) {
    problems.push({ path: '/password', message: 'a password needs a user' });
  }
  return problems;
}
