import { access, appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { starterConfig, starterTests } from './starter.js';

export interface StarterResult {
  readonly dir: string;
  readonly config: string;
  /** Names of the files written (or, for .gitignore, added to). */
  readonly files: readonly string[];
}

/** A file `tapline init` will not replace. */
export class StarterExistsError extends Error {
  constructor(readonly file: string) {
    super(`${file} already exists`);
  }
}

const IGNORED = 'out/';

/**
 * Writes the starter pipeline and its tests into `dir`, and adds its output folder to
 * `.gitignore`. Refuses to replace a config or test file that is already there, before
 * writing anything.
 */
export async function writeStarter(dir: string, yaml: boolean): Promise<StarterResult> {
  await mkdir(dir, { recursive: true });
  const ext = yaml ? 'yaml' : 'json';
  const configName = `pipeline.config.${ext}`;
  const testName = `pipeline.test.${ext}`;
  const config = { $schema: schemaPath(dir, 'config'), ...starterConfig };
  const tests = { $schema: schemaPath(dir, 'test'), ...starterTests(configName) };
  for (const name of [configName, testName]) {
    const file = path.join(dir, name);
    if (await exists(file)) throw new StarterExistsError(file);
  }
  await writeFile(path.join(dir, configName), yaml ? toYaml(config) : toJson(config), { flag: 'wx' });
  await writeFile(path.join(dir, testName), yaml ? toYaml(tests) : toJson(tests), { flag: 'wx' });
  await ignoreOutput(path.join(dir, '.gitignore'));
  return { dir, config: path.join(dir, configName), files: [configName, testName, '.gitignore'] };
}

/** The shipped schema of the installed host: `$schema` then resolves wherever Tapline is installed. */
function schemaPath(dir: string, name: 'config' | 'test'): string {
  const file = fileURLToPath(import.meta.resolve(`@tapline/host/schema/pipeline.${name}.schema.json`));
  const relative = path.relative(dir, file).split(path.sep).join('/');
  return relative.startsWith('.') ? relative : `./${relative}`;
}

async function ignoreOutput(file: string): Promise<void> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) {
    await writeFile(file, `# What the pipeline writes: records and dead letters\n${IGNORED}\n`);
    return;
  }
  if (text.split(/\r?\n/).some((line) => line.trim() === IGNORED || line.trim() === 'out')) return;
  await appendFile(file, `${text.endsWith('\n') || text === '' ? '' : '\n'}${IGNORED}\n`);
}

function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** YAML editors complete and check through the yaml-language-server comment, not a `$schema` key. */
function toYaml(value: { $schema: string }): string {
  const { $schema, ...rest } = value;
  return `# yaml-language-server: $schema=${$schema}\n${stringify(rest, { lineWidth: 100 })}`;
}
