// The layering `pnpm lint` enforces (docs/architecture.md, "Layers"). Type-only imports count:
// a cycle through types still means neither module can be read, or moved, without the other.

/**
 * The host's folders, lowest first. A folder imports only from folders of a lower rank; folders
 * of one rank do not import each other. The package's index, above them all, exports from any.
 */
const HOST_LAYERS = [
  ['config'],
  ['plugins'],
  ['plan'],
  ['runtime'],
  ['dead-letters', 'tap'],
  ['replay'],
  ['http', 'reload', 'config-tests'],
  ['app'],
];

const hostFolder = (name) => `^packages/host/src/${name}/`;

const hostLayerRules = HOST_LAYERS.flatMap((rank, r) => {
  const notBelow = HOST_LAYERS.slice(r).flat();
  return rank.map((folder) => ({
    name: 'host-layers',
    comment: `host/src/${folder} imports only from the folders below it: ${HOST_LAYERS.slice(0, r).flat().join(', ') || 'none'}`,
    severity: 'error',
    from: { path: hostFolder(folder) },
    to: { path: `^packages/host/src/(${notBelow.filter((f) => f !== folder).join('|')})/` },
  }));
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Modules import each other, directly or around a loop (type-only imports included).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'plugins-only-core',
      comment:
        "A plugin (or an example, written as a third party's) imports @tapline/core and its own dependencies: never the host, the CLI, the testkit or another plugin's files (but plugin-nats's connection export).",
      severity: 'error',
      from: { path: '^(plugins|examples)/([^/]+)/src/' },
      to: {
        path: '^(packages/(host|cli|testkit)|plugins|examples)/|^@tapline/(host|cli|testkit|plugin-)',
        // NATS has one home: the exporter's NATS target connects through plugin-nats's connection export.
        pathNot: ['^$1/$2/', '^plugins/nats/dist/connection/'],
      },
    },
    {
      name: 'plugins-no-core-internal',
      comment:
        'A plugin or an example is written against the plugin API: @tapline/core/internal is what the host, the CLI and the testkit share with core, and may change in any release.',
      severity: 'error',
      from: { path: '^(plugins|examples)/[^/]+/src/' },
      to: { path: '^@tapline/core/internal$|^packages/core/(src|dist)/internal\\.' },
    },
    {
      name: 'host-folder-unknown',
      comment: 'Every folder of host/src has a place in the layers of .dependency-cruiser.cjs: add it there.',
      severity: 'error',
      from: {
        path: '^packages/host/src/[^/]+/',
        pathNot: `^packages/host/src/(${HOST_LAYERS.flat().join('|')})/`,
      },
      to: {},
    },
    ...hostLayerRules,
  ],
  options: {
    tsPreCompilationDeps: true,
    exclude: { path: '(^|/)(test|node_modules)/' },
    doNotFollow: { path: '(^|/)(node_modules|dist)/' },
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.mjs', '.d.ts'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'default'],
    },
  },
};
