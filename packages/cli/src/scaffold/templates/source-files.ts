import type { PluginNames } from '../plugin-names.js';

/** src/options.ts: the schema the host validates a step's options with, and their static type. */
export function optionsSource(n: PluginNames): string {
  return `import { Type, type Static } from '@tapline/core';

/** The options of a ${n.short} step; the host applies the defaults before \`create\`. */
export const ${n.camel}Options = Type.Object(
  {
    field: Type.String({ minLength: 1, default: 'tag', description: 'The field to set on each record.' }),
    value: Type.String({ default: '${n.short}', description: 'The value to set it to.' }),
  },
  { additionalProperties: false },
);

export type ${n.pascal}Options = Static<typeof ${n.camel}Options>;
`;
}

/** src/<name>-domain.ts: the domain; \`execute\` is the only method most domains write. */
export function domainSource(n: PluginNames): string {
  return `import { BaseDomain, ValidationError, type JsonRecord, type PluginContext } from '@tapline/core';
import type { ${n.pascal}Options } from './options.js';

/**
 * Sets \`options.field\` to \`options.value\` on every record. Return \`DROP\` (from @tapline/core)
 * instead of a record to filter a message out on purpose; throw a coded error to fail it.
 */
export class ${n.pascal}Domain extends BaseDomain<JsonRecord, JsonRecord> {
  constructor(
    private readonly options: ${n.pascal}Options,
    ctx: PluginContext,
  ) {
    super(ctx); // the step id becomes the \`domain\` of every event
  }

  execute(record: JsonRecord): JsonRecord {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new ValidationError(\`${n.short} expects a JSON object, not \${JSON.stringify(record)}\`);
    }
    return { ...record, [this.options.field]: this.options.value };
  }
}
`;
}

/** src/index.ts: the manifest, the package's default export. */
export function indexSource(n: PluginNames): string {
  return `import { API_VERSION, definePlugin } from '@tapline/core';
import { ${n.pascal}Domain } from './${n.short}-domain.js';
import { ${n.camel}Options } from './options.js';

export { ${n.pascal}Domain } from './${n.short}-domain.js';
export { ${n.camel}Options, type ${n.pascal}Options } from './options.js';

export default definePlugin({
  name: '${n.packageName}',
  apiVersion: API_VERSION,
  description: 'Sets a field on every record.',
  // A source (a domain that extends SourceDomain) also declares kind: 'source'; others leave it out.
  input: 'record',
  output: 'record',
  options: ${n.camel}Options,
  // Construct only: acquire files, sockets and timers in initialize(), release them in shutdown().
  create: (options, ctx) => new ${n.pascal}Domain(options, ctx),
});
`;
}

/** test/<name>.test.ts: the plugin contract in one call, and one test of its own behaviour. */
export function testSource(n: PluginNames): string {
  return `import { createPluginStep, describePluginContract, runDomain } from '@tapline/testkit';
import { describe, expect, it } from 'vitest';
import plugin from '../src/index.js';

describePluginContract(plugin, {
  validOptions: {},
  invalidOptions: [
    { options: { field: '' }, path: '/field' },
    { options: { value: 42 }, path: '/value' },
  ],
  sampleInputs: [{ id: 1 }, { id: 2, nested: { ok: true } }],
  throwingInput: 'not a record',
  errorType: 'TAPLINE_ERR_VALIDATION',
});

describe('${n.packageName}', () => {
  it('sets the field on every record', async () => {
    const { domain } = await createPluginStep(plugin, { field: 'team', value: 'blue' });
    const run = await runDomain(domain, [{ id: 1 }, { id: 2, team: 'red' }]);
    expect(run.outputs).toEqual([
      { id: 1, team: 'blue' },
      { id: 2, team: 'blue' },
    ]);
  });
});
`;
}
