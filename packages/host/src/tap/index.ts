export { HostTaps } from './host-taps.js';
export {
  TapRegistry,
  TAP_BUFFER_BYTES,
  TAP_BUFFER_LINES,
  type TapCounters,
  type TapSnapshot,
} from './tap-registry.js';
export { TAP_SIDES, type Ending, type TapListener, type TapSide } from './tap-listener.js';
export { readTapQuery, type TapQuery } from './tap-query.js';
export { TapSink } from './tap-sink.js';
export type { FollowSource } from './open-tap.js';
export type { FollowHost } from './follow-tap.js';
