/**
 * `@tapline/core/curve`: CURVE security for plugins with ZeroMQ sockets: the options schema and
 * its checks, and a socket secured with keys from those options, its clients checked by the
 * process's one ZAP handler.
 * @packageDocumentation
 */
export { CurveOptions, Z85_KEY_PATTERN, curveProblems } from './curve-options.js';
export { requireCurve } from './curve-keys.js';
export type { ZapRouter } from './zap-authority.js';
export { secureCurveSocket, type CurveRefusal, type CurveSetup, type CurveSocket } from './secure-socket.js';
