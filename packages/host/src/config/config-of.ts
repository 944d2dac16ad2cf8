import path from 'node:path';
import { ConfigError } from '@tapline/core';
import type { ReadConfig } from './load-config.js';
import type { LoadedConfig } from './loaded-config.js';

/**
 * The LoadedConfig of a file read without problems.
 *
 * @throws ConfigError `TAPLINE_ERR_CONFIG_INVALID` with the file's problems, when it has any
 */
export function configOf({ file, dir, source, valid: data, steps, problems }: ReadConfig): LoadedConfig {
  if (data === undefined || problems.length > 0)
    throw new ConfigError('TAPLINE_ERR_CONFIG_INVALID', file, problems);
  const http = data.monitor.http;
  const config: LoadedConfig = {
    file,
    dir,
    pipeline: steps,
    runtime: {
      maxInFlight: data.runtime.maxInFlight,
      batchMax: data.runtime.batchMax,
      shutdownTimeoutMs: data.runtime.shutdownTimeoutMs,
    },
    deadLetter:
      data.deadLetter === false
        ? false
        : { ...data.deadLetter, path: path.resolve(dir, data.deadLetter.path) },
    monitor: {
      durationsWindow: data.monitor.durationsWindow,
      http:
        http === false
          ? false
          : {
              host: http.host,
              port: http.port,
              unauthenticated: http.unauthenticated,
              ...(http.token === undefined ? {} : { token: http.token }),
            },
    },
    log: {
      level: data.log.level,
      ...(data.log.destination === undefined ? {} : { destination: logPath(dir, data.log.destination) }),
    },
  };
  Object.defineProperty(config, 'source', { value: source, enumerable: false });
  return config;
}

/** `stdout` and `stderr` as they are; a file relative to the config's directory. */
export function logPath(dir: string, destination: string): string {
  return destination === 'stdout' || destination === 'stderr' ? destination : path.resolve(dir, destination);
}
