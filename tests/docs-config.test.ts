import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repo } from './cli-helpers.js';
// @ts-expect-error: a plain ES module script, without types
import { loadSchemas, renderConfigDoc } from '../scripts/config-doc.mjs';

describe('docs/config.md', () => {
  it("is generated from the config schema and every built-in plugin's options, and up to date (pnpm docs:config)", async () => {
    const { format, resolveConfig } = await import('prettier');
    const file = path.join(repo, 'docs/config.md');
    const { configSchema, plugins } = await loadSchemas();
    const options = { ...(await resolveConfig(file)), filepath: file };
    const want = await format(renderConfigDoc(configSchema, plugins), options);
    const have = await readFile(file, 'utf8');
    expect(have, 'docs/config.md is out of step with the schemas: run pnpm docs:config').toBe(want);
  });

  it('lists every top-level key and every option of every built-in plugin', async () => {
    const { configSchema, plugins } = await loadSchemas();
    const doc = await readFile(path.join(repo, 'docs/config.md'), 'utf8');
    for (const key of Object.keys(configSchema.properties).filter((k) => k !== '$schema'))
      expect(doc).toContain(`| \`${key}\``);
    for (const { pkg, manifest } of plugins) {
      expect(doc).toContain(`## ${pkg}`);
      for (const key of Object.keys(manifest.options.properties ?? {})) expect(doc).toContain(`| \`${key}\``);
    }
    // A shape nested in the shapes chosen by `type`: each kind of a target's buffer, once.
    for (const kind of ['memory', 'disk']) {
      const title = `### \`targets[].buffer\` with \`type: "${kind}"\``;
      expect(doc.split(title).length - 1, title).toBe(1);
    }
    expect(doc).toContain('| `segmentBytes`');
  });
});
