import { execFile, type ChildProcess } from 'node:child_process';
import { mkdir, realpath, symlink } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The root of this workspace. */
export const workspaceRoot = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * Links packages into a generated plugin's node_modules as `pnpm install` would, without
 * touching the workspace's lockfile: name → folder.
 */
export async function linkModules(dir: string, modules: Record<string, string>): Promise<void> {
  for (const [name, target] of Object.entries(modules)) {
    const link = path.join(dir, 'node_modules', name);
    await mkdir(path.dirname(link), { recursive: true });
    await symlink(await realpath(target), link, 'dir');
  }
}

/** The modules a generated plugin needs, taken from this workspace. */
export function workspaceModules(standalone: boolean): Record<string, string> {
  const root = (p: string) => path.join(workspaceRoot, p);
  return {
    '@tapline/core': root('packages/core'),
    '@tapline/testkit': root('packages/testkit'),
    vitest: root('node_modules/vitest'),
    ...(standalone
      ? { typescript: root('node_modules/typescript'), '@types/node': root('node_modules/@types/node') }
      : {}),
  };
}

const running = new Set<ChildProcess>();

/** Ends the child processes still running (a timed-out test), so they stop writing files. */
export function killChildren(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** Runs a node script in `cwd`; resolves to its exit code and output, never rejects. */
export function runNode(cwd: string, args: string[]): Promise<{ code: number; output: string }> {
  // A nested vitest must not think it is a worker of the one running this test.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS'),
  );
  env.NO_COLOR = '1';
  return new Promise((resolve) => {
    const child = execFile(process.execPath, args, { cwd, env, timeout: 60_000 }, (err, stdout, stderr) => {
      running.delete(child);
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, output: `${stdout}${stderr}` });
    });
    running.add(child);
  });
}

/** Builds the package in `dir` with `tsc -b`, then runs its tests with vitest. */
export async function buildAndTest(
  dir: string,
  tscFrom: string,
): Promise<{ build: string; test: string; codes: number[] }> {
  const build = await runNode(dir, [path.join(tscFrom, 'node_modules/typescript/bin/tsc'), '-b']);
  const test = await runNode(dir, [path.join(workspaceRoot, 'node_modules/vitest/vitest.mjs'), 'run']);
  return { build: build.output, test: test.output, codes: [build.code, test.code] };
}
