/**
 * `@tapline/plugin-nats/connection`: NATS's one home. How a step connects to NATS (servers,
 * credentials, user and password or token), the options that say so and their checks, for the
 * source here and the exporter's NATS target.
 * @packageDocumentation
 */
export { connectNats, WatchedConnection, type ConnectAs, type NatsAuth } from './connect.js';
export { DEFAULT_SERVERS, connectionProblems, natsConnectionOptions } from './options.js';
