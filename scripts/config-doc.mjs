// Writes docs/config.md, the one reference of every config key, from the schemas that check
// them: the host's config schema and each built-in plugin's options schema. `pnpm docs:config`
// runs it after a build; tests/docs-config.test.ts fails while the page is out of step.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built-in plugins, in the order a pipeline usually lists them. */
export const BUILTIN_PLUGINS = [
  '@tapline/plugin-zmq-source',
  '@tapline/plugin-nats',
  '@tapline/plugin-processor',
  '@tapline/plugin-metrics',
  '@tapline/plugin-exporter',
];

/** The page, from the config schema and the manifests of the built-in plugins. */
export function renderConfigDoc(configSchema, plugins) {
  const out = [
    '# Config reference',
    '',
    'Every key of a pipeline config (`pipeline.config.json`, `.yaml` or `.yml`) and every option of',
    'the built-in plugins, with its type, default and meaning. Generated from the schemas Tapline',
    'checks configs with (`pnpm docs:config`); a test fails while this page is out of step with them.',
    '`${VAR}` and `${VAR:-default}` in any string are filled from the environment; `$${` writes a',
    'literal `${`. Error codes are explained in [errors.md](errors.md).',
    '',
    '## Top level',
    '',
    ...table(rows(configSchema, '', configSchema)),
  ];
  for (const { pkg, manifest } of plugins) {
    out.push('', `## ${pkg}`, '');
    if (manifest.description) out.push(`${sentence(manifest.description)}`, '');
    const type = (t) => (typeof t === 'string' ? `\`${t}\`` : 'a type its options choose');
    const kind = manifest.kind === 'source' ? ', a source' : '';
    out.push(
      `Plugin \`${manifest.name}\`${kind}: takes ${type(manifest.input)}, gives ${type(manifest.output)}.`,
      '',
    );
    const schema = manifest.options;
    const own = rows(schema, '', schema);
    out.push(...(own.length > 0 ? table(own) : ['No options.']));
    for (const [title, variantSchema] of variants(schema)) {
      out.push('', `### ${title}`, '', ...table(rows(variantSchema, '', schema)));
    }
    for (const [name, definition] of Object.entries(schema.$defs ?? {})) {
      out.push('', `### ${name}`, '');
      if (definition.description) out.push(sentence(definition.description), '');
      // A condition is a string (a CEL expression) or else an object: the object's keys are the table.
      out.push(...table(rows(definition.else ?? definition, '', schema)));
    }
  }
  return `${out.join('\n')}\n`;
}

/** Each row: key path, type, default, description. */
function rows(schema, prefix, root) {
  const out = [];
  const required = new Set(schema.required ?? []);
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    if (key === '$schema' && prefix === '') continue;
    const name = `${prefix}${key}`;
    const node = deref(child, root);
    out.push([name, typeOf(node, root), defaultOf(node, required.has(key)), describe(node)]);
    // A shared definition (a condition) is one section of its own, not repeated at every use.
    if (node.$refName !== undefined) continue;
    const objectLike = objectPart(node);
    if (objectLike !== undefined && !isVariantHolder(node)) out.push(...rows(objectLike, `${name}.`, root));
    const items = node.items && deref(node.items, root);
    if (items && items.properties && !items.$refName && !isVariantHolder(items))
      out.push(...rows(items, `${name}[].`, root));
  }
  return out;
}

/** An object schema, or the object branch of `object | false`. */
function objectPart(node) {
  if (node.properties && Object.keys(node.properties).length > 0) return node;
  return undefined;
}

/** A field whose shape depends on a `type` it holds (the exporter's targets, the processor's steps). */
function isVariantHolder(node) {
  return (node.anyOf ?? node.oneOf ?? node.allOf)?.some((v) => typeConst(v.then ?? v) !== undefined) ?? false;
}

/**
 * Every `type`-selected shape inside a schema, as a titled sub-table. The shapes nested in
 * those (a target's `buffer`) follow them, once however many shapes share the key.
 */
function variants(schema, prefix = '', seen = new Set()) {
  const out = [];
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const holder = child.items ?? child;
    const where = child.items ? `${prefix}${key}[]` : `${prefix}${key}`;
    const nested = [];
    for (const v of holder.anyOf ?? holder.oneOf ?? holder.allOf ?? []) {
      const shape = v.then ?? v;
      const kind = typeConst(shape);
      if (kind === undefined || seen.has(`${prefix}${key}:${kind}`)) continue;
      seen.add(`${prefix}${key}:${kind}`);
      out.push([`\`${where}\` with \`type: "${kind}"\``, shape]);
      nested.push(...variants(shape, `${where}.`, seen));
    }
    out.push(...nested);
    if (child.properties) out.push(...variants(child, `${prefix}${key}.`, seen));
  }
  return out;
}

function typeConst(shape) {
  const t = shape?.properties?.type;
  return t?.const ?? (t?.enum?.length === 1 ? t.enum[0] : undefined);
}

function deref(node, root) {
  if (node?.$ref?.startsWith('#/$defs/'))
    return { ...root.$defs[node.$ref.slice(8)], $refName: node.$ref.slice(8) };
  return node ?? {};
}

function typeOf(node, root) {
  if (node.$refName) return `${node.$refName} (see below)`;
  if (node.const !== undefined) return code(JSON.stringify(node.const));
  if (node.enum) return node.enum.map((v) => code(JSON.stringify(v))).join(' \\| ');
  const alts = node.anyOf ?? node.oneOf;
  if (alts && alts.every((a) => a.const !== undefined))
    return alts.map((a) => code(JSON.stringify(a.const))).join(' \\| ');
  if (alts && alts.every((a) => typeConst(a) !== undefined)) return 'object, by `type` (see below)';
  if (alts) return [...new Set(alts.map((a) => typeOf(deref(a, root), root)))].join(' \\| ');
  if (node.allOf?.some((v) => typeConst(v.then) !== undefined)) return 'object, by `type` (see below)';
  const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
  if (types.includes('boolean') && node.not?.const === true) {
    return `${types.filter((t) => t !== 'boolean').join(' \\| ')} \\| \`false\``;
  }
  if (types.length === 1 && types[0] === 'array') {
    const items = deref(node.items ?? {}, root);
    return `array of ${isVariantHolder(items) ? 'objects, by `type` (see below)' : typeOf(items, root)}`;
  }
  if (types.length === 0) return node.additionalProperties !== undefined ? 'object' : 'any JSON value';
  return types.join(' \\| ');
}

function defaultOf(node, required) {
  if (node.default !== undefined) {
    const value = JSON.stringify(node.default);
    return value === '{}' ? '' : code(value);
  }
  return required ? 'required' : '';
}

function describe(node) {
  const parts = [];
  if (node.description) parts.push(sentence(node.description));
  const limits = [];
  if (node.minimum !== undefined) limits.push(`≥ ${node.minimum}`);
  if (node.maximum !== undefined) limits.push(`≤ ${node.maximum}`);
  if (node.minLength !== undefined && node.minLength > 1)
    limits.push(`at least ${node.minLength} characters`);
  if (node.minItems !== undefined)
    limits.push(`at least ${node.minItems} item${node.minItems === 1 ? '' : 's'}`);
  if (limits.length > 0) parts.push(`(${limits.join(', ')})`);
  return parts.join(' ').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function sentence(text) {
  const t = text.trim();
  return /[.!?)]$/.test(t) ? `${t[0].toUpperCase()}${t.slice(1)}` : `${t[0].toUpperCase()}${t.slice(1)}.`;
}

const code = (text) => `\`${text}\``;

function table(list) {
  if (list.length === 0) return ['No options.'];
  return [
    '| Key | Type | Default | Meaning |',
    '| --- | --- | --- | --- |',
    ...list.map(([name, type, dflt, text]) => `| \`${name}\` | ${type} | ${dflt} | ${text} |`),
  ];
}

/** The config schema and the built-in plugins' manifests, as the installed packages give them. */
export async function loadSchemas() {
  const { configJsonSchema } = await import('@tapline/host');
  const plugins = [];
  for (const pkg of BUILTIN_PLUGINS) plugins.push({ pkg, manifest: (await import(pkg)).default });
  return { configSchema: configJsonSchema(), plugins };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { configSchema, plugins } = await loadSchemas();
  const out = fileURLToPath(new URL('../docs/config.md', import.meta.url));
  writeFileSync(out, renderConfigDoc(configSchema, plugins));
  process.stdout.write(`wrote ${out}\n`);
}
