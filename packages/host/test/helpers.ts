import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The committed test plugins; configs name them by absolute path or relative to the config. */
export const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

const made: string[] = [];

/** A fresh temp directory holding a package.json, so a config search stops there. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'tapline-host-'));
  made.push(dir);
  await writeFile(path.join(dir, 'package.json'), '{"name":"tapline-test","private":true}\n');
  return dir;
}

/** Removes every temp directory made so far; call in afterAll. */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** Writes `pipeline.config.json` (pretty JSON of `config`, or the text as is) and returns its path. */
export async function writeConfig(
  dir: string,
  config: unknown,
  name = 'pipeline.config.json',
): Promise<string> {
  const file = path.join(dir, name);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, typeof config === 'string' ? config : JSON.stringify(config, null, 2) + '\n');
  return file;
}

/** Runs `fn` and returns what it threw (fails the test when it did not throw). */
export async function caught(fn: () => unknown): Promise<any> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error, none was thrown');
}
