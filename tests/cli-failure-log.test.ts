import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '@tapline/testkit';
import {
  defaultPipeline,
  freePort,
  settled,
  startRun,
  tapline,
  writeTempConfig,
  type RunningPipeline,
} from './cli-helpers.js';

const running: RunningPipeline[] = [];
afterEach(() => {
  for (const r of running.splice(0)) if (r.child.exitCode === null) r.child.kill('SIGKILL');
});

/** The failure lines logged for one step: the first one's and the summaries' counts add up. */
function failuresOf(run: RunningPipeline, step: string) {
  const lines = run.logs.filter((l) => l.level === 40 && l.step === step && l.errorType !== undefined);
  return { lines, total: lines.reduce((n, l) => n + (l.count ?? 1), 0) };
}

describe('tapline run logs failures', { timeout: 30_000 }, () => {
  it('at warn, per step and error code: the first at once, then a count with the latest per interval', async () => {
    const address = `tcp://127.0.0.1:${await freePort()}`;
    const config = defaultPipeline(address);
    config.pipeline[1]!.options.steps = [{ type: 'coerce', field: 'n', to: 'number' }];
    const { dir, file } = await writeTempConfig(config);
    const run = await startRun(file, [], ['env', 'TAPLINE_REPORT_INTERVAL_MS=200']);
    running.push(run);
    const input = path.join(dir, 'input.ndjson');
    const bad = Array.from({ length: 40 }, (_, i) => `not json ${i}`);
    const uncoercible = Array.from({ length: 30 }, (_, i) => JSON.stringify({ n: `x${i}` }));
    await writeFile(input, [...bad, ...uncoercible, '{"n":"7"}'].join('\n') + '\n');
    expect((await tapline(['publish', '-a', address, '--file', input])).code).toBe(0);
    await settled(run, 71);

    const ingest = await eventually(
      () => (failuresOf(run, 'ingest').total === 40 ? failuresOf(run, 'ingest') : undefined),
      {
        what: 'the 40 ingest failures in the log',
      },
    );
    const enrich = await eventually(
      () => (failuresOf(run, 'enrich').total === 30 ? failuresOf(run, 'enrich') : undefined),
      {
        what: 'the 30 enrich failures in the log',
      },
    );
    run.child.kill('SIGTERM');
    expect(await run.exit).toEqual({ code: 0, signal: null });
    for (const { lines, total } of [ingest, enrich]) {
      expect(new Set(lines.map((l) => l.errorType)).size).toBe(1);
      expect(lines[0]!.count).toBeUndefined();
      // The first, and then summaries: far fewer lines than failures.
      expect(lines.length).toBeLessThan(total / 2);
      expect(lines.slice(1).every((l) => l.count > 0 && typeof l.latest === 'string')).toBe(true);
    }
    expect(enrich.lines[0]!.msg).toContain('"x0"');
    expect(enrich.lines.at(-1)!.latest).toContain('"x29"');
  });
});
