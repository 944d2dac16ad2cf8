import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMessageContext } from '@tapline/core';
import { createCaptureLogger, type LogEntry } from '@tapline/testkit';
import { ExporterDomain, type ExporterOptions, type TargetOptions } from '../src/index.js';

export const context = () => createMessageContext('test');

export const tempDir = () => mkdtemp(join(tmpdir(), 'tapline-exporter-'));

const made: ExporterDomain[] = [];

/**
 * An exporter to one target (or to each of several), retrying fast, that logs into `logs`;
 * `shutdownExporters` (after each test) shuts it down.
 */
export function exporterTo(
  target: TargetOptions | TargetOptions[],
  retry: Partial<ExporterOptions> = {},
  logs: LogEntry[] = [],
): ExporterDomain {
  const targets = Array.isArray(target) ? target : [target];
  const d = new ExporterDomain(
    { targets, retries: 3, retryDelayMs: 5, retryMaxDelayMs: 50, ...retry },
    { id: 'export', logger: createCaptureLogger(logs) },
  );
  made.push(d);
  return d;
}

/** Shuts down every exporter the test made, whatever state it is in. */
export async function shutdownExporters(): Promise<void> {
  for (const d of made.splice(0)) await d.shutdown().catch(() => {});
}
