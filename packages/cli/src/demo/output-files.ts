import path from 'node:path';
import type { LoadedConfig } from '@tapline/host';

/**
 * Where a pipeline's records and dead letters land on disk: the file targets of its steps
 * (any step whose options list `targets`, as the exporter's do) and the dead-letter file.
 */
export function outputFiles(config: LoadedConfig): { records: string[]; deadLetters: string | undefined } {
  const records: string[] = [];
  for (const step of config.pipeline) {
    if (!step.enabled) continue;
    const targets = (step.options as { targets?: unknown } | undefined)?.targets;
    if (!Array.isArray(targets)) continue;
    for (const t of targets as { type?: unknown; path?: unknown }[]) {
      if (t?.type === 'file' && typeof t.path === 'string') records.push(path.resolve(config.dir, t.path));
    }
  }
  return { records, deadLetters: config.deadLetter === false ? undefined : config.deadLetter.path };
}

/** Lines that say where the records went, for the demo's start and its end. */
export function describeOutputs(config: LoadedConfig): string {
  const { records, deadLetters } = outputFiles(config);
  const lines = records.map((f) => `  Records:      ${f}`);
  if (records.length === 0)
    lines.push('  Records:      no file target (see the exporter step of the config)');
  lines.push(`  Dead letters: ${deadLetters ?? 'off (deadLetter is false)'}`);
  return lines.join('\n');
}
