import { resolve } from 'node:path';
import type { Logger } from '@tapline/core';
import { FileTarget } from './file-target.js';
import { NatsTarget } from './nats-target.js';
import type { RetryPolicy, TargetOptions } from './options.js';
import { StdoutTarget } from './stdout-target.js';
import type { ExportTarget } from './target.js';
import { ZmqTarget } from './zmq-target.js';

/** Makes the target an options entry describes; relative file paths resolve against `configDir`. */
export function createTarget(
  options: TargetOptions,
  retry: RetryPolicy,
  configDir: string,
  log: Logger,
): ExportTarget {
  switch (options.type) {
    case 'file':
      return new FileTarget(resolve(configDir, options.path), options, retry, log);
    case 'stdout':
      return new StdoutTarget();
    case 'zmq':
      return new ZmqTarget(options, retry, log, configDir);
    case 'nats':
      return new NatsTarget(options, retry, configDir, log);
  }
}
