import path from 'node:path';
import { loadConfig } from '../src/config/load-config.js';
import { createHost } from '../src/runtime/create-host.js';
import type { Host } from '../src/runtime/host.js';
import { fixtures, tempDir, writeConfig } from './helpers.js';

/** The absolute path of a committed test plugin. */
export const plugin = (name: string) => path.join(fixtures, 'plugins', `${name}.mjs`);

/** A list-source step emitting `messages`. */
export const listSource = (messages: unknown[], more: Record<string, unknown> = {}) => ({
  id: 'in',
  plugin: plugin('list-source'),
  options: { messages, ...more },
});

export const behave = (id: string, options: Record<string, unknown> = {}) => ({
  id,
  plugin: plugin('behave'),
  options,
});

export const sink = { id: 'out', plugin: plugin('sink') };

/** Writes a config with `pipeline` (and any other top-level keys) in a temp dir and creates its host. */
export async function hostFor(
  pipeline: unknown[],
  rest: Record<string, unknown> = {},
): Promise<{ host: Host; dir: string }> {
  const dir = await tempDir();
  await writeConfig(dir, { pipeline, monitor: { http: false }, ...rest });
  return { host: await createHost(await loadConfig({ cwd: dir })), dir };
}

/** The domain of a step, as the fixture plugin made it. */
export const domainOf = (host: Host, id: string): any => host.steps.find((s) => s.id === id)!.domain;
