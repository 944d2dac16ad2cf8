import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '@tapline/testkit';
import { bin, defaultPipeline, freePort, tapline, writeTempConfig, type Exit } from './cli-helpers.js';

const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** `tapline run` with both of its outputs kept whole, as `tapline run | jq` would see them. */
function run(file: string) {
  const child = spawn(process.execPath, [bin, 'run', '--config', file], { cwd: path.dirname(file) });
  children.push(child);
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (c: Buffer) => (out.stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (out.stderr += c.toString('utf8')));
  const exit = new Promise<Exit>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, out, exit };
}

const lines = (text: string) => text.split('\n').filter((l) => l !== '');
const messages = (text: string) => lines(text).map((l) => (JSON.parse(l) as { msg: string }).msg);

/** Sends 50 records `{ n }` to the pipeline's source. */
async function publish(dir: string, address: string): Promise<void> {
  const input = path.join(dir, 'input.ndjson');
  await writeFile(input, Array.from({ length: 50 }, (_, n) => JSON.stringify({ n })).join('\n') + '\n');
  expect((await tapline(['publish', '-a', address, '--file', input])).code).toBe(0);
}

describe('tapline run logs', { timeout: 30_000 }, () => {
  it('to stderr when a stdout target carries records, so stdout holds records only', async () => {
    const address = `tcp://127.0.0.1:${await freePort()}`;
    const config = defaultPipeline(address);
    config.pipeline[2]!.options.targets = [{ type: 'stdout' }];
    const { dir, file } = await writeTempConfig(config);
    const { child, out, exit } = run(file);
    await eventually(() => out.stderr.includes('"pipeline started"') || undefined, {
      what: 'the start in the log on stderr',
    });
    await publish(dir, address);
    await eventually(() => lines(out.stdout).length === 50 || undefined, { what: '50 records on stdout' });
    child.kill('SIGTERM');
    expect(await exit).toEqual({ code: 0, signal: null });

    const records = lines(out.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => r.n)).toEqual(Array.from({ length: 50 }, (_, n) => n));
    expect(records.every((r) => r.pipeline === 'cli-test' && r.msg === undefined)).toBe(true);
    const logged = messages(out.stderr);
    expect(logged[0]).toMatch(/^loaded /);
    expect(logged).toContain('pipeline started');
    // The last lines, written after SIGTERM, are not lost in pino's buffer.
    expect(logged.at(-1)).toBe('accounting: received=50 completed=50 dropped=0 failed=0 lost=0');
  });

  it('to the file log.destination names, relative to the config, down to the last line', async () => {
    const address = `tcp://127.0.0.1:${await freePort()}`;
    const config = defaultPipeline(address, { log: { destination: 'logs/tapline.log' } });
    const { dir, file } = await writeTempConfig(config);
    const logFile = path.join(dir, 'logs/tapline.log');
    const { child, out, exit } = run(file);
    await eventually(
      async () =>
        (await readFile(logFile, 'utf8').catch(() => '')).includes('"pipeline started"') || undefined,
      { what: 'the start in the log file' },
    );
    await publish(dir, address);
    child.kill('SIGTERM');
    expect(await exit).toEqual({ code: 0, signal: null });
    expect(out.stdout).toBe('');
    const logged = messages(await readFile(logFile, 'utf8'));
    expect(logged[0]).toMatch(/^loaded /);
    expect(logged.at(-1)).toMatch(/^accounting: received=\d+ /);
  });

  it('to a new file at the same path after logrotate moved it away and sent SIGHUP', async () => {
    const address = `tcp://127.0.0.1:${await freePort()}`;
    const config = defaultPipeline(address, { log: { destination: 'tapline.log' } });
    const { dir, file } = await writeTempConfig(config);
    const logFile = path.join(dir, 'tapline.log');
    const { child, exit } = run(file);
    await eventually(
      async () =>
        (await readFile(logFile, 'utf8').catch(() => '')).includes('"pipeline started"') || undefined,
      { what: 'the start in the log file' },
    );
    await rename(logFile, `${logFile}.1`);
    child.kill('SIGHUP');
    await eventually(
      async () => (await readFile(logFile, 'utf8').catch(() => '')).includes('config reloaded') || undefined,
      { what: 'the reload logged in a new file at the path' },
    );
    child.kill('SIGTERM');
    expect(await exit).toEqual({ code: 0, signal: null });
    const rotated = messages(await readFile(`${logFile}.1`, 'utf8'));
    expect(rotated).toContain('pipeline started');
    expect(rotated.some((m) => m.startsWith('accounting:'))).toBe(false);
    expect(messages(await readFile(logFile, 'utf8')).at(-1)).toMatch(/^accounting: received=0 /);
  });
});
