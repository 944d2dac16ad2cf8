import { messageOf } from '@tapline/core';
import { reportedCodes } from '@tapline/core/internal';
import { startMonitoringServer, type MonitoringServer } from '../http/monitoring-server.js';
import { HostTaps } from '../tap/host-taps.js';
import { loadPipeline } from '../plan/plan-pipeline.js';
import type { Reloader } from '../reload/reloader.js';
import { createHost } from '../runtime/create-host.js';
import type { Host } from '../runtime/host.js';
import { logPath } from '../config/config-of.js';
import { fieldOrderWarnings } from '../plan/field-order.js';
import type { PlannedStep } from '../plan/chain.js';
import { checkLevel, createAppLogger, resolveLogLevel, type AppLogger } from './app-logger.js';
import type { LogTarget } from './log-sink.js';
import { logFinalReport } from './final-report.js';
import type { RunApplicationOptions } from './app-options.js';

/** The logger, at the level `--log-level` or `LOG_LEVEL` asks (the config's comes later). */
export function openLogger(options: RunApplicationOptions, env: NodeJS.ProcessEnv): AppLogger {
  const level = resolveLogLevel(options.logLevel, env);
  if (options.logLevel) checkLevel(options.logLevel, '--log-level');
  else if (env.LOG_LEVEL) checkLevel(env.LOG_LEVEL, 'LOG_LEVEL');
  return createAppLogger({ level, destination: options.logDestination });
}

/** `log.destination`, else stderr when a step writes records to stdout, else stdout. */
function logTarget(destination: string | undefined, steps: readonly PlannedStep[]): LogTarget {
  if (destination === 'stdout' || destination === 'stderr') return destination;
  if (destination !== undefined) return { file: destination };
  return steps.some((s) => s.manifest.writesStdout?.(s.options) === true) ? 'stderr' : 'stdout';
}

/** Loads the config and its plugins (every problem at once) and builds the host. */
export async function buildHost(
  options: RunApplicationOptions,
  env: NodeJS.ProcessEnv,
  app: AppLogger,
): Promise<Host> {
  const { logger } = app;
  const { config, steps } = await loadPipeline({
    config: options.config,
    cwd: options.cwd,
    env,
    installation: options.installation,
    log: logger,
    // The config's log level applies before its plugins load (which may log).
    onRead: (read) => {
      const { file, valid, problems } = read;
      if (problems.length > 0 || valid === undefined) return;
      // A destination the file names is known now; one the steps decide waits for them.
      const destination = valid.log.destination;
      if (destination !== undefined) app.settle(logTarget(logPath(read.dir, destination), []));
      logger.level = resolveLogLevel(options.logLevel, env, valid.log.level);
      logger.info({ config: file }, `loaded ${file}`);
    },
  });
  app.settle(logTarget(config.log.destination, steps));
  for (const w of fieldOrderWarnings(steps)) {
    const { message, ...where } = w;
    logger.warn(where, message);
  }
  logger.level = resolveLogLevel(options.logLevel, env, config.log.level);
  return createHost(config, { logger, env, planned: steps });
}

/**
 * Starts the monitoring API (unless it is off) and then the host. On failure, stops what
 * started and rethrows.
 */
export async function serve(host: Host, logger: AppLogger['logger']): Promise<MonitoringServer | undefined> {
  let http: MonitoringServer | undefined;
  try {
    const monitor = host.config.monitor.http;
    if (monitor !== false) {
      http = await startMonitoringServer({
        ...monitor,
        source: host,
        taps: new HostTaps(host, logger),
        logger,
      });
      logger.info(
        { url: http.url, address: http.address, port: http.port },
        `dashboard and monitoring API on ${http.url}`,
      );
    }
    await host.start();
    return http;
  } catch (err) {
    await host.stop();
    await http?.close();
    throw err;
  }
}

/**
 * Stops reloading, then the host (draining within its budget), then the API; logs the final
 * metrics and the accounting line. Resolves to the exit code: 0 only after a clean stop.
 */
export async function finish(
  host: Host,
  reloader: Reloader,
  http: MonitoringServer | undefined,
  logger: AppLogger['logger'],
): Promise<number> {
  await reloader.close();
  const report = await host.stop();
  await reloader.idle();
  await http?.close();
  for (const err of report.errors) {
    logger.error({ err, ...reportedCodes(err) }, `while stopping: ${messageOf(err)}`);
  }
  logFinalReport(logger, host.getMetrics(), report);
  const clean = report.drained && report.errors.length === 0;
  if (!clean) {
    logger.error(
      { drained: report.drained, errors: report.errors.length },
      'the pipeline did not stop cleanly',
    );
  }
  return clean ? 0 : 1;
}
