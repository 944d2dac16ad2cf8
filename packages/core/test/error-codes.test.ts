import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script without types
import { renderErrorsDoc } from '../scripts/errors-doc.mjs';
import { TaplineError, codeOf } from '../src/index.js';
import { ERROR_CODES } from '../src/internal.js';

const repo = fileURLToPath(new URL('../../..', import.meta.url));

/** Every `TAPLINE_ERR_*` literal in the source of the packages, plugins and examples. */
async function codesInSource(): Promise<Set<string>> {
  const found = new Set<string>();
  for (const group of ['packages', 'plugins', 'examples']) {
    for (const name of await readdir(path.join(repo, group))) {
      const src = path.join(repo, group, name, 'src');
      const files = await readdir(src, { recursive: true }).catch(() => [] as string[]);
      for (const file of files.filter((f) => f.endsWith('.ts'))) {
        const text = await readFile(path.join(src, file), 'utf8');
        for (const m of text.matchAll(/TAPLINE_ERR_[A-Z_]+[A-Z]/g)) found.add(m[0]);
      }
    }
  }
  return found;
}

describe('error codes', () => {
  it('are all in the one registry, each with when and what to do', async () => {
    const registered = new Set(Object.keys(ERROR_CODES));
    const unregistered = [...(await codesInSource())].filter(
      (c) => !registered.has(c) && c !== 'TAPLINE_ERR_CURVE',
    );
    expect(unregistered).toEqual([]);
    for (const info of Object.values(ERROR_CODES)) {
      expect(info.when.length).toBeGreaterThan(10);
      expect(info.fix.length).toBeGreaterThan(10);
    }
  });

  it('docs/errors.md is generated from the registry and up to date (pnpm docs:errors)', async () => {
    const doc = await readFile(path.join(repo, 'docs/errors.md'), 'utf8');
    expect(doc).toBe(renderErrorsDoc(ERROR_CODES));
  });

  it('codeOf reads a string code of anything thrown, and nothing else', () => {
    expect(codeOf(new TaplineError('TAPLINE_ERR_USAGE', 'x'))).toBe('TAPLINE_ERR_USAGE');
    expect(codeOf(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe('ENOENT');
    expect(codeOf(Object.assign(new Error('x'), { code: 42 }))).toBeUndefined();
    expect([codeOf(null), codeOf('text'), codeOf(undefined)]).toEqual([undefined, undefined, undefined]);
  });
});
