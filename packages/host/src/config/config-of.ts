import path from 'node:path';
import { ConfigError, type Problem } from '@tapline/core';
import type { ConfigSource } from './config-source.js';
import type { ValidConfigData } from './config-schema.js';
import type { LoadedConfig, StepConfig } from './loaded-config.js';

/** A config file read and checked against the schema, before deciding whether it can be used. */
export interface ReadConfig {
  readonly file: string;
  readonly dir: string;
  readonly source: ConfigSource;
  /** The parsed value, `${VAR}` filled in, whether or not the schema accepts it. */
  readonly data: Record<string, unknown>;
  /** The same value once the schema accepted it (defaults filled in), typed by the schema. */
  readonly valid: ValidConfigData | undefined;
  /** Every step entry that names a plugin, whatever else is wrong with the file. */
  readonly steps: StepConfig[];
  /** The schema's problems, duplicate keys and step ids, each with its pointer, line and column. */
  readonly problems: Problem[];
}

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
