import { messageOf } from '@tapline/core';
import type { MonitoringServer } from '../http/monitoring-server.js';
import { Reloader } from '../reload/reloader.js';
import { watchConfig } from '../reload/watch-config.js';
import type { Host } from '../runtime/host.js';
import { resolveLogLevel, type AppLogger } from './app-logger.js';
import { buildHost, finish, openLogger, serve } from './app-phases.js';
import { reportFailure } from './report-failure.js';
import { waitForStop } from './stop-signals.js';
import type { RunApplicationOptions } from './app-options.js';

export type { RunApplicationOptions } from './app-options.js';

/**
 * `tapline run`: loads the config, builds and starts the host and the monitoring API, runs
 * until SIGINT/SIGTERM, then stops gracefully and logs the final metrics and accounting.
 * Resolves to the exit code: 0 after a clean stop; 1 when the config is invalid, a step could
 * not start, the drain timed out, a step could not flush or a dead letter was lost. A second
 * signal exits at once. SIGHUP (and, with `watch`, a change to the file) reloads the config
 * live and reopens the output and dead-letter files (log rotation).
 */
export async function runApplication(options: RunApplicationOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const stderr = options.stderr ?? process.stderr;
  const handleSignals = options.handleSignals ?? true;
  let app: AppLogger | undefined;
  let host: Host | undefined;
  let reloader: Reloader | undefined;
  let unwatch: (() => void) | undefined;
  // Listen for signals first: a SIGTERM during start-up then stops cleanly instead of killing.
  const stop = waitForStop({
    signal: options.signal,
    handleSignals,
    force: (sig, code) => {
      app?.logger.warn({ signal: sig }, `second ${sig}: exiting now without finishing the stop`);
      app?.flushSync();
      process.exit(code);
    },
    hangup: () => {
      app?.reopen(); // logrotate moved the log file away, if there is one
      if (reloader !== undefined) reloader.request('SIGHUP');
      else app?.logger.warn('SIGHUP received before the pipeline started: nothing to reload');
    },
  });
  // A plugin's stray async error would otherwise end the process with pino's buffer unwritten.
  const crash = (err: unknown): void => {
    app?.logger.fatal({ err }, `crashed: ${messageOf(err)}`);
    app?.flushSync();
    process.exit(1);
  };
  if (handleSignals) {
    process.on('uncaughtException', crash);
    process.on('unhandledRejection', crash);
  }
  try {
    try {
      app = openLogger(options, env);
    } catch (err) {
      reportFailure(undefined, stderr, err, 'cannot start');
      return 1;
    }
    const { logger } = app;
    try {
      host = await buildHost(options, env, app);
    } catch (err) {
      reportFailure(logger, stderr, err, 'invalid pipeline');
      return 1;
    }
    let http: MonitoringServer | undefined;
    try {
      http = await serve(host, logger);
    } catch (err) {
      reportFailure(logger, stderr, err, 'the pipeline could not start');
      return 1;
    }
    const running = host;
    reloader = new Reloader(running, {
      env,
      installation: options.installation,
      applied: (config) => (logger.level = resolveLogLevel(options.logLevel, env, config.log.level)),
    });
    if (options.watch === true) {
      const reload = reloader;
      unwatch = watchConfig(running.config.file, () => reload.request('watch'));
      logger.info({ config: running.config.file }, `watching ${running.config.file}: a change reloads it`);
    }
    options.onStarted?.({ host: running, http });
    const reason = await stop.stopped;
    logger.info(
      { reason },
      reason === 'abort' ? 'stopping' : `${reason} received: stopping (send it again to exit at once)`,
    );
    unwatch?.();
    return await finish(running, reloader, http, logger);
  } finally {
    stop.dispose();
    process.off('uncaughtException', crash);
    process.off('unhandledRejection', crash);
    await app?.flush();
  }
}
