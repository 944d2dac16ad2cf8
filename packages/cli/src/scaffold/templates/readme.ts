import type { PluginNames } from '../plugin-names.js';

/** README.md: what the plugin does, its options and a pipeline step using it. */
export function readme(n: PluginNames, inWorkspace: boolean): string {
  const run = inWorkspace ? 'pnpm' : 'npm';
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

## Develop

\`\`\`sh
${run} install
${run} run build && ${run} test
\`\`\`

\`test/${n.short}.test.ts\` runs the Tapline plugin contract (\`describePluginContract\` from
\`@tapline/testkit\`) and a test of the plugin's own behaviour. See the Tapline plugin guide
(docs/plugins.md) for the contract, type names, lifecycle, errors and publishing.
`;
}

/** A Markdown table with padded columns, as Prettier would write it. */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(3, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(rows[0]!), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)].join('\n');
}
