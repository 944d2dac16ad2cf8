import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** This Tapline workspace, when a plugin is created inside it. */
export interface TaplineWorkspace {
  readonly root: string;
  /** The workspace's package globs (`plugins/*`), from pnpm-workspace.yaml. */
  readonly globs: readonly string[];
}

/** Whether `dir` is the root of a Tapline workspace: a pnpm workspace holding @tapline/core. */
export function readWorkspace(dir: string): TaplineWorkspace | undefined {
  const manifest = path.join(dir, 'pnpm-workspace.yaml');
  const core = path.join(dir, 'packages', 'core', 'package.json');
  if (!existsSync(manifest) || !existsSync(core)) return undefined;
  try {
    if ((JSON.parse(readFileSync(core, 'utf8')) as { name?: string }).name !== '@tapline/core')
      return undefined;
  } catch {
    return undefined;
  }
  return { root: dir, globs: packageGlobs(readFileSync(manifest, 'utf8')) };
}

/** The nearest Tapline workspace at or above `dir`. */
export function findWorkspace(dir: string): TaplineWorkspace | undefined {
  for (let here = path.resolve(dir); ; here = path.dirname(here)) {
    const found = readWorkspace(here);
    if (found !== undefined) return found;
    if (path.dirname(here) === here) return undefined;
  }
}

// Only the `packages:` list of pnpm-workspace.yaml matters here; a YAML parser would be a
// dependency for the sake of a few `- glob` lines.
function packageGlobs(yaml: string): string[] {
  const globs: string[] = [];
  let inPackages = false;
  for (const line of yaml.split(/\r?\n/)) {
    if (/^\S/.test(line)) inPackages = /^packages:\s*$/.test(line);
    const item = inPackages ? /^\s+-\s+['"]?([^'"#\s]+)['"]?/.exec(line) : null;
    if (item) globs.push(item[1]!);
  }
  return globs;
}

/** Whether a package at `dir` is a member of the workspace (matches one of its `x/*` or `x` globs). */
export function isWorkspaceMember(workspace: TaplineWorkspace, dir: string): boolean {
  const rel = path.relative(workspace.root, dir).split(path.sep).join('/');
  return workspace.globs.some((glob) =>
    glob.endsWith('/*') ? path.posix.dirname(rel) === glob.slice(0, -2) : rel === glob,
  );
}
