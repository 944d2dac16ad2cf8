import type { PluginNames } from '../plugin-names.js';

/** Where the plugin's Tapline dependencies come from. */
export interface DependencyPlan {
  /** Inside this workspace: `workspace:*` links; outside: semver ranges from the registry. */
  readonly inWorkspace: boolean;
  /** The range of @tapline/core and @tapline/testkit outside the workspace (`^0.1.0`). */
  readonly taplineRange: string;
  readonly vitestRange: string;
  readonly typescriptRange: string;
  readonly typesNodeRange: string;

  /**
   * Outside the workspace, while `@tapline/*` are not on the registry: `file:` ranges of copies
   * packed from the Tapline installation, by package name.
   */
  local?: Record<string, string>;
}

/** package.json: a module package whose only public entry is dist/index.js. */
export function packageJson(names: PluginNames, plan: DependencyPlan): string {
  const tapline = plan.inWorkspace ? 'workspace:*' : plan.taplineRange;
  const pkg = {
    name: names.packageName,
    version: '0.1.0',
    description: `A Tapline domain plugin: ${names.short}.`,
    keywords: ['tapline', 'tapline-plugin'],
    type: 'module',
    license: 'MIT',
    main: './dist/index.js',
    types: './dist/index.d.ts',
    exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
    files: ['dist', 'src'],
    engines: { node: '>=20.19' },
    scripts: {
      build: 'tsc -b',
      // The sample pipeline's tests run through the Tapline the package was scaffolded from.
      test: `vitest run && ${PIPELINE_TEST}`,
      prepublishOnly: `tsc -b && vitest run && ${PIPELINE_TEST}`,
    },
    // A published plugin uses the host's copy of core (peer); inside the workspace it links it.
    ...(plan.inWorkspace
      ? { dependencies: { '@tapline/core': tapline } }
      : { peerDependencies: { '@tapline/core': tapline } }),
    devDependencies: sorted({
      ...(plan.inWorkspace
        ? {}
        : { '@tapline/core': plan.local?.['@tapline/core'] ?? tapline, '@types/node': plan.typesNodeRange }),
      // `tapline test` of the sample pipeline, with its built-in plugins.
      '@tapline/cli': plan.local?.['@tapline/cli'] ?? tapline,
      // The testkit needs the host; from the registry it comes along, local copies are named.
      ...(plan.local ? { '@tapline/host': plan.local['@tapline/host'] } : {}),
      '@tapline/testkit': plan.local?.['@tapline/testkit'] ?? tapline,
      typescript: plan.typescriptRange,
      vitest: plan.vitestRange,
    }),
    // Local copies depend on each other by version, which no registry has yet: npm takes them
    // from the copies through overrides (pnpm through pnpm-workspace.yaml's).
    ...(plan.local ? { overrides: sorted(plan.local) } : {}),
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

/** How `npm test` runs the sample pipeline's tests. */
export const PIPELINE_TEST = 'tapline test --config test/pipeline.config.json';

/**
 * pnpm-workspace.yaml of a package outside the Tapline workspace: zeromq's prebuilt binary
 * works without its build script, which pnpm would otherwise stop on; local copies are
 * overridden as npm's `overrides` does.
 */
export function pnpmWorkspace(plan: DependencyPlan): string {
  const overrides = plan.local
    ? `\noverrides:\n${Object.entries(sorted(plan.local))
        .map(([name, range]) => `  "${name}": "${range}"\n`)
        .join('')}`
    : '';
  return `# zeromq (a dependency of @tapline/cli) ships a prebuilt binary; its build script is not needed.
allowBuilds:
  zeromq: false
  esbuild: false
# A flat node_modules, as npm's: the declarations tsc writes name TypeBox's types through
# @tapline/core, which pnpm's isolated layout would make unportable (TS2742).
nodeLinker: hoisted
${overrides}`;
}

const sorted = (deps: Record<string, string>) =>
  Object.fromEntries(Object.entries(deps).sort(([a], [b]) => (a < b ? -1 : 1)));
