import type { prometheus } from '@tapline/core';
import type { ReplayTarget } from './replay-route.js';
import type { HostMetrics } from '../runtime/host-types.js';
import type { RecentFailuresSnapshot } from '../runtime/recent-failures.js';

/** What the monitoring API reads: `Host.getMetrics()`. */
export type MonitoredMetrics = HostMetrics;

/** What the monitoring server watches: a `Host` is one. */
export interface MonitoringSource {
  getMetrics(): MonitoredMetrics;
  /** True only while the sources take messages in. */
  readonly ready: boolean;
  /** Where `/metrics` reads from; plugins register their own metrics in it too. */
  readonly registry: prometheus.Registry;
  /** Takes replayed records in (`POST /api/replay`); a source without it answers 404 there. */
  replay?: ReplayTarget['replay'];
  /** The latest failures (`GET /api/failures`); a source without them answers 404 there. */
  recentFailures?(): RecentFailuresSnapshot;
}
