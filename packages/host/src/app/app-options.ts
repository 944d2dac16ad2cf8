import type { MonitoringServer } from '../http/monitoring-server.js';
import type { Host } from '../runtime/host.js';

/** What `runApplication` is told: the config, the log, signals and callbacks. */
export interface RunApplicationOptions {
  /** The config file; searched for from `cwd` when absent. */
  config?: string;
  /** Overrides `LOG_LEVEL` and the config's `log.level`. */
  logLevel?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Tapline's own modules, where plugin packages are looked for after the config's folder. */
  installation?: readonly string[];
  /** Stops the application as SIGTERM does: for embedding and tests. */
  signal?: AbortSignal;
  /** Whether SIGINT and SIGTERM stop the application (default true). */
  handleSignals?: boolean;
  /** Where JSON log lines go, whatever the config says (default: the config's `log.destination`). */
  logDestination?: number | NodeJS.WritableStream;
  /** Where a failure's full text goes (default: stderr). */
  stderr?: NodeJS.WritableStream;
  /** Reload the config when its file changes (SIGHUP always reloads it). */
  watch?: boolean;
  /** Called once the pipeline runs (and the monitoring API listens, unless it is off). */
  onStarted?: (started: { host: Host; http: MonitoringServer | undefined }) => void;
}
