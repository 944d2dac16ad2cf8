import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { TaplineError } from '@tapline/core';
import { pluginNames, type PluginNames } from './plugin-names.js';
import { packageJson, pnpmWorkspace, type DependencyPlan } from './templates/package-json.js';
import { gitignore, tsconfigJson, vitestConfig } from './templates/config-files.js';
import { domainSource, indexSource, optionsSource, testSource } from './templates/source-files.js';
import { pipelineConfig, pipelineTests } from './templates/pipeline-test-files.js';
import { readme } from './templates/readme.js';
import { LOCAL_FOLDER, onRegistry, packLocal } from './tapline-packages.js';
import { findWorkspace, isWorkspaceMember, readWorkspace, type TaplineWorkspace } from './workspace.js';

export interface ScaffoldOptions {
  /** `enrich`, `tapline-plugin-enrich` or `@acme/tapline-plugin-enrich`. */
  readonly name: string;
  /** The package folder to create; it must not exist or be empty. */
  readonly dir: string;
  /** The Tapline workspace root; found from `dir` upwards when left out. */
  readonly workspaceRoot?: string;
  /**
   * Outside the workspace, where `@tapline/*` come from: the npm `registry`, or `local` copies
   * packed from the Tapline installation running this. Default: the registry when it has this
   * version, else local.
   */
  readonly taplinePackages?: 'registry' | 'local';
}

export interface ScaffoldResult {
  readonly dir: string;
  readonly names: PluginNames;
  /** Whether the package links this workspace's packages (`workspace:*`). */
  readonly inWorkspace: boolean;
  /** Where its `@tapline/*` packages come from. */
  readonly taplinePackages: 'workspace' | 'registry' | 'local';
  /** Paths written, relative to `dir`. */
  readonly files: readonly string[];
  /** Commands to run next, from `dir`, and any warning about the folder. */
  readonly nextSteps: readonly string[];
}

/**
 * Creates a plugin package (manifest, options schema, domain, a test running the testkit's
 * contract suite, README, standalone tsconfig) that builds and passes its tests as written.
 */
export async function scaffoldPlugin(options: ScaffoldOptions): Promise<ScaffoldResult> {
  const names = pluginNames(options.name);
  const dir = path.resolve(options.dir);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new TaplineError(
      'TAPLINE_ERR_SCAFFOLD_EXISTS',
      `${dir} already exists and is not empty. Choose another folder with --dir, or remove it first.`,
    );
  }
  const workspace = workspaceFor(options, dir);
  const plan = dependencyPlan(workspace);
  const from = workspace ? 'workspace' : (options.taplinePackages ?? (await registryOrLocal(plan)));
  if (from === 'local') plan.local = await packLocal(dir);
  const coreReference = workspace && path.relative(dir, path.join(workspace.root, 'packages', 'core'));
  const files: Record<string, string> = {
    'package.json': packageJson(names, plan),
    'tsconfig.json': tsconfigJson(coreReference?.split(path.sep).join('/')),
    'vitest.config.ts': vitestConfig(),
    'README.md': readme(names, plan),
    'src/index.ts': indexSource(names),
    'src/options.ts': optionsSource(names),
    [`src/${names.short}-domain.ts`]: domainSource(names),
    [`test/${names.short}.test.ts`]: testSource(names),
    'test/pipeline.config.json': pipelineConfig(names),
    'test/pipeline.test.json': pipelineTests(names),
    ...(workspace === undefined
      ? { '.gitignore': gitignore(), 'pnpm-workspace.yaml': pnpmWorkspace(plan) }
      : {}),
  };
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text, { flag: 'wx' });
  }
  return {
    dir,
    names,
    inWorkspace: plan.inWorkspace,
    taplinePackages: from,
    files: from === 'local' ? [...Object.keys(files), `${LOCAL_FOLDER}/`] : Object.keys(files),
    nextSteps: nextSteps(workspace, dir),
  };
}

function workspaceFor(options: ScaffoldOptions, dir: string): TaplineWorkspace | undefined {
  if (options.workspaceRoot === undefined) return findWorkspace(path.dirname(dir));
  const root = path.resolve(options.workspaceRoot);
  const workspace = readWorkspace(root);
  if (workspace === undefined) {
    throw new TaplineError(
      'TAPLINE_ERR_SCAFFOLD_WORKSPACE',
      `${root} is not a Tapline workspace (no pnpm-workspace.yaml beside packages/core).`,
    );
  }
  const rel = path.relative(root, dir);
  return rel.startsWith('..') || path.isAbsolute(rel) ? undefined : workspace;
}

async function registryOrLocal(plan: DependencyPlan): Promise<'registry' | 'local'> {
  return (await onRegistry(plan.taplineRange.replace(/^\^/, ''))) ? 'registry' : 'local';
}

function dependencyPlan(workspace: TaplineWorkspace | undefined): DependencyPlan {
  const own = readJson(new URL('../../package.json', import.meta.url));
  // Inside the workspace, the tools' ranges follow the root's, so one copy of each is installed.
  const tools = workspace ? (readJson(path.join(workspace.root, 'package.json')).devDependencies ?? {}) : {};
  return {
    inWorkspace: workspace !== undefined,
    // The Tapline packages are versioned together, so the command's own version names them all.
    taplineRange: `^${own.version}`,
    vitestRange: tools.vitest ?? '^4.1.12',
    typescriptRange: tools.typescript ?? '^5.9.3',
    typesNodeRange: tools['@types/node'] ?? '^20.19.0',
  };
}

function readJson(file: string | URL): { version?: string; devDependencies?: Record<string, string> } {
  return JSON.parse(readFileSync(file, 'utf8')) as {
    version?: string;
    devDependencies?: Record<string, string>;
  };
}

function nextSteps(workspace: TaplineWorkspace | undefined, dir: string): string[] {
  if (workspace === undefined) return ['npm install', 'npm run build', 'npm test'];
  const steps = ['pnpm install', 'pnpm run build', 'pnpm test'];
  if (!isWorkspaceMember(workspace, dir)) {
    const rel = path.relative(workspace.root, path.dirname(dir)).split(path.sep).join('/');
    steps.unshift(`add "${rel}/*" to pnpm-workspace.yaml so that pnpm links the package`);
  }
  return steps;
}
