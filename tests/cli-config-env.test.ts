import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  defaultPipeline,
  settled,
  startRun,
  tapline,
  type RunningPipeline,
  writeTempConfig,
} from './cli-helpers.js';

const running: RunningPipeline[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const r of running.splice(0)) if (r.child.exitCode === null) r.child.kill('SIGKILL');
});
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('${VAR} in the config of tapline run', { timeout: 30_000 }, () => {
  it("expands a zmq source's address once: $${ stays a literal ${ while the variable is set", async () => {
    const { dir, file } = await writeTempConfig({});
    dirs.push(dir);
    const literal = `ipc://${path.join(dir, '${SOCKET_NAME}.sock')}`;
    const config = defaultPipeline(literal.replace('${', () => '$${'));
    await writeFile(file, JSON.stringify(config, null, 2));
    const run = await startRun(file, [], ['env', 'SOCKET_NAME=expanded']);
    running.push(run);
    expect(run.logs.find((l) => l.msg === 'zmq source ready')?.address).toBe(literal);

    const sent = await tapline(['publish', '--address', literal, '--count', '1']);
    expect(sent.code).toBe(0);
    await settled(run, 1);
    run.child.kill('SIGTERM');
    expect(await run.exit).toEqual({ code: 0, signal: null });
  });
});
