import type { PluginNames } from '../plugin-names.js';
import type { DependencyPlan } from './package-json.js';

/** The plugin guide, where the project keeps it. */
export const GUIDE = 'https://github.com/tapline/tapline/blob/main/docs/plugins.md';

/** README.md: what the plugin does, its options and a pipeline step using it. */
export function readme(n: PluginNames, plan: DependencyPlan): string {
  const run = plan.inWorkspace ? 'pnpm' : 'npm';
  return `# ${n.packageName}

A Tapline domain plugin: sets a field on every record. Input \`record\`, output \`record\`.

## Options

${table([
  ['option', 'type', 'default', 'meaning'],
  ['`field`', 'string', '`"tag"`', 'the field to set on each record'],
  ['`value`', 'string', `\`"${n.short}"\``, 'the value to set it to'],
])}

## Example step

\`\`\`json
{
  "id": "${n.short}",
  "plugin": "${n.packageName}",
  "options": { "field": "tag", "value": "${n.short}" }
}
\`\`\`

as a step of \`pipeline\` in \`pipeline.config.json\`, after a step whose output is \`record\`.
Until the package is installed where the config is, name it by path instead, relative to the
config file: \`"plugin": "./${n.short}"\` (the folder: its package.json names the module).
${plan.local ? localPackages(plan) : ''}
## Develop

\`\`\`sh
${run} install
${run} run build && ${run} test
\`\`\`

\`${run} test\` runs \`test/${n.short}.test.ts\` (the Tapline plugin contract, \`describePluginContract\`
from \`@tapline/testkit\`, and a test of the plugin's own behaviour), then the sample pipeline's
tests in \`test/pipeline.test.json\` with \`tapline test\`: the plugin between the built-in ZeroMQ
source and exporter, run in process. See the [Tapline plugin guide](${GUIDE}) for the contract,
type names, lifecycle, errors and publishing.
`;
}

/** A Markdown table with padded columns, as Prettier would write it. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(3, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(rows[0]!), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)].join('\n');
}

/** Where the Tapline packages come from while they are not on the registry, and what to run once they are. */
function localPackages(plan: DependencyPlan): string {
  return `
## Tapline packages

\`@tapline/core\`, \`@tapline/host\` and \`@tapline/testkit\` are not on the npm registry yet, so
this package installs copies of them (and of \`@tapline/cli\` with the built-in plugins, for the
sample pipeline's tests) from \`tapline-packages/\`, packed from the Tapline installation that
created it; \`overrides\` in package.json (and in pnpm-workspace.yaml, for pnpm) make their
dependencies on one another use those copies too. Once they are published, remove \`overrides\`
(and its pnpm-workspace.yaml section), then this one line moves the package to the registry's
(then delete \`tapline-packages/\`):

\`\`\`sh
npm install --save-dev @tapline/core@${plan.taplineRange} @tapline/testkit@${plan.taplineRange} @tapline/cli@${plan.taplineRange} && npm uninstall @tapline/host
\`\`\`
`;
}
