import { Type, type Problem } from '@tapline/core';
import type { NatsAuth } from './connect.js';

/** Where a step connects when its options name no server. */
export const DEFAULT_SERVERS: readonly string[] = ['nats://127.0.0.1:4222'];

/**
 * The options that say how to reach and authenticate with NATS, as every NATS step (the source,
 * the exporter's NATS target) takes them: spread them into the step's own schema.
 */
export const natsConnectionOptions = {
  servers: Type.Array(Type.String({ minLength: 1 }), {
    minItems: 1,
    default: [...DEFAULT_SERVERS],
    description: 'NATS servers to connect to (nats://host:port); the client reconnects among them.',
  }),
  credentials: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'A NATS .creds file (JWT and seed); relative paths resolve against the config file.',
    }),
  ),
  user: Type.Optional(Type.String({ minLength: 1 })),
  password: Type.Optional(Type.String()),
  token: Type.Optional(Type.String({ minLength: 1 })),
};

const SERVER = /^(nats|tls|ws|wss):\/\/[^/\s]+$|^[^:/\s]+:\d+$/;

/**
 * Checks of the connection options beyond the schema, each problem at its path below `at` (the
 * options' own path in the step's: `''` for a source, `/targets/0` for an exporter's target).
 */
export function connectionProblems(options: Partial<NatsAuth>, at = ''): Problem[] {
  const problems: Problem[] = [];
  (options.servers ?? []).forEach((server, i) => {
    if (!server.includes('${') && !SERVER.test(server)) {
      problems.push({
        path: `${at}/servers/${i}`,
        message: `"${server}" is not a NATS server address; use nats://host:port`,
      });
    }
  });
  if (options.token !== undefined && options.user !== undefined) {
    problems.push({ path: `${at}/token`, message: 'use either token or user and password, not both' });
  }
  if (options.password !== undefined && options.user === undefined) {
    problems.push({ path: `${at}/password`, message: 'a password needs a user' });
  }
  return problems;
}
