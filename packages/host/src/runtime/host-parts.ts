import type { Logger, prometheus } from '@tapline/core';
import type { Monitor } from '@tapline/core/internal';
import type { LoadedConfig } from '../config/loaded-config.js';
import type { ReloadStats } from './reload-stats.js';
import type { Accounting } from './accounting.js';
import type { DeadLetters } from './dead-letters.js';
import type { HostStep } from './host-types.js';
import type { RecentFailures } from './recent-failures.js';
import type { LateLetters } from './late-letters.js';
import type { Wiring } from './wire.js';

/** What `createHost` assembles a Host from. @internal */
export interface HostParts {
  readonly config: LoadedConfig;
  /** Replaced whole when a reload swaps the chain. */
  steps: readonly HostStep[];
  readonly monitor: Monitor;
  readonly registry: prometheus.Registry;
  readonly logger: Logger;
  readonly accounting: Accounting;
  readonly deadLetters: DeadLetters;
  readonly recentFailures: RecentFailures;
  /** Dead letters steps hand over after their record completed. */
  readonly lateLetters: LateLetters;
  readonly controller: AbortController;
  readonly wiring: Wiring;
  readonly reloads: ReloadStats;
}
