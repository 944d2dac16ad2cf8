import {
  ConfigError,
  DROP,
  messageOf,
  prometheus,
  silentLogger,
  type AnyDomain,
  type AnyManifest,
} from '@tapline/core';
import { validatePluginOptions } from '../config/plugin-options.js';
import { loadPlugin } from '../plugins/load-plugin.js';
import type { CompileCondition } from './check-records.js';
import { snapshot } from './test-trace.js';

const PROCESSOR = '@tapline/plugin-processor';

async function loadProcessor(dirs: readonly string[]): Promise<AnyManifest | string> {
  let last: unknown;
  for (const dir of dirs) {
    try {
      return (await loadPlugin('where', PROCESSOR, dir)).manifest;
    } catch (err) {
      last = err;
    }
  }
  return `"where" uses the processor's conditions, but ${PROCESSOR} cannot be loaded: ${messageOf(last)}`;
}

/**
 * Compiles `where` conditions in the processor's own filter language, by the processor itself:
 * a one-step `filter` processor, its options validated as a config's would be. A condition is
 * written once and means the same in a config and in its tests.
 *
 * @param dirs where the processor is resolved from, in order (the config's directory first)
 */
export function conditionCompiler(dirs: readonly string[]): CompileCondition {
  let processor: Promise<AnyManifest | string> | undefined;
  return async (where) => {
    const manifest = await (processor ??= loadProcessor(dirs));
    if (typeof manifest === 'string') return manifest;
    let options: unknown;
    try {
      options = validatePluginOptions(manifest, { steps: [{ type: 'filter', where }] }, { step: 'where' });
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      const problems = err.problems.map(
        (p) => `${p.path.replace(/^\/steps\/0\/where/, '') || '/'}: ${p.message}`,
      );
      return `"where" is not a condition of the processor's filter: ${problems.join('; ')}`;
    }
    const domain = (await manifest.create(options, {
      id: 'where',
      plugin: manifest.name,
      logger: silentLogger,
      registry: new prometheus.Registry(),
      configDir: dirs[0] ?? process.cwd(),
      signal: new AbortController().signal,
    })) as AnyDomain;
    return (record) => {
      try {
        return (domain.execute(snapshot(record), undefined as never) as unknown) !== DROP;
      } catch {
        return false; // not a record: it matches no condition
      }
    };
  };
}
