import type { PluginNames } from '../plugin-names.js';

/** README.md: what the plugin does, its options and a pipeline step using it. */
export function readme(n: PluginNames, inWorkspace: boolean): string {
  const step = JSON.stringify({
    id: n.short,
    plugin: n.packageName,
    options: { field: 'tag', value: n.short },
  });
  return `# ${n.packageName}

A Tapline domain plugin: sets a field on every record.
Input \`record\`, output \`record\`.

## Options

| option  | type   | default        | meaning                        |
| ------- | ------ | -------------- | ------------------------------ |
| \`field\` | string | \`"tag"\`        | the field to set on each record |
| \`value\` | string | \`"${n.short}"\` | the value to set it to          |

## Use it in a pipeline

\`\`\`json
${step}
\`\`\`

as a step of \`pipeline\` in \`pipeline.config.json\`, after a step whose output is \`record\`.

## Develop

\`\`\`sh
${inWorkspace ? 'pnpm install            # links it into the workspace\n' : 'npm install\n'}${inWorkspace ? 'pnpm' : 'npm'} run build && ${inWorkspace ? 'pnpm' : 'npm'} test
\`\`\`

\`test/${n.short}.test.ts\` runs the Tapline plugin contract (\`describePluginContract\` from
\`@tapline/testkit\`) and a test of the plugin's own behaviour. See the Tapline plugin guide
(docs/plugins.md) for the contract, type names, lifecycle, errors and publishing.
`;
}
