import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  defaultPipeline,
  freePort,
  settled,
  startRun,
  tapline,
  type RunningPipeline,
  writeTempConfig,
} from './cli-helpers.js';

const running: RunningPipeline[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) if (r.child.exitCode === null) r.child.kill('SIGKILL');
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const readLines = async (file: string) => (await readFile(file, 'utf8')).trim().split('\n');

describe('batched frames end to end (decode "ndjson", tapline publish --batch)', { timeout: 30_000 }, () => {
  it('accounts, exports and dead-letters each line of each frame on its own', async () => {
    const address = `tcp://127.0.0.1:${await freePort()}`;
    const config = defaultPipeline(address);
    config.pipeline[0]!.options.decode = 'ndjson';
    config.pipeline[1]!.options.steps = [{ type: 'filter', where: { field: 'drop', ne: true } }];
    const { dir, file } = await writeTempConfig(config);
    dirs.push(dir);
    const run = await startRun(file);
    running.push(run);

    // 1,000 sample records in frames of 64, then 7 lines in frames of 3, two of which are bad.
    const samples = await tapline(['publish', '-a', address, '--count', '1000', '--batch', '64']);
    expect(samples).toMatchObject({ code: 0 });
    expect(samples.stdout).toMatch(/^Sent 1000 messages in 16 frames /);
    const extra = path.join(dir, 'extra.ndjson');
    const lines = ['{"n":1}', '{"n":2,"drop":true}', 'not json', '{"n":4}', '[4,5]', '{"n":6}', '{"n":7}'];
    await writeFile(extra, lines.join('\n') + '\n');
    expect((await tapline(['publish', '-a', address, '--file', extra, '--batch', '3'])).code).toBe(0);

    const api = await settled(run, 1007);
    expect(api.accounting).toEqual({
      received: 1007,
      completed: 1004,
      dropped: 1,
      failed: 2,
      lost: 0,
      inFlight: 0,
      held: 0,
      droppedBy: { filtered: 1 },
    });
    run.child.kill('SIGTERM');
    expect(await run.exit).toEqual({ code: 0, signal: null });

    const exported = (await readLines(path.join(dir, 'out.ndjson'))).map((l) => JSON.parse(l));
    expect(exported).toHaveLength(1004);
    expect(new Set(exported.slice(0, 1000).map((r) => r.id)).size).toBe(1000);
    expect(exported.slice(1000)).toEqual([{ n: 1 }, { n: 4 }, { n: 6 }, { n: 7 }]);
    // Frames 17 to 19 are the file's: "not json" is line 3 of frame 17, [4,5] line 2 of frame 18.
    const dead = (await readLines(path.join(dir, 'dead-letters.ndjson'))).map((l) => JSON.parse(l));
    expect(dead.map((d) => [d.step, d.errorType, d.message.split(':')[0]])).toEqual([
      ['ingest', 'TAPLINE_ERR_DECODE', 'Frame 17, line 3'],
      ['ingest', 'TAPLINE_ERR_DECODE', 'Frame 18, line 2'],
    ]);
    expect(Buffer.from(dead[0].payloadBase64, 'base64').toString()).toBe('not json');
    expect(dead[1].payload).toEqual([4, 5]);
  });
});
