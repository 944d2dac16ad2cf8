/**
 * `@tapline/core/curve`: CURVE security for plugins with ZeroMQ sockets: the options schema and
 * its checks, keys loaded from files, and the process's one ZAP handler.
 * @packageDocumentation
 */
export { CurveOptions, Z85_KEY_PATTERN, curveProblems } from './curve-options.js';
export { loadCurveKeys, requireCurve, type CurveKeys } from './curve-keys.js';
export { ZAP_ENDPOINT, ZapAuthority, zapAuthority, type ZapPolicy, type ZapRouter } from './zap-authority.js';
export { z85Encode } from './z85.js';
export { secureCurveSocket, type CurveRefusal, type CurveSetup, type CurveSocket } from './secure-socket.js';
