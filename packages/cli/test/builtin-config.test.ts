import { rm } from 'node:fs/promises';
import path from 'node:path';
import { loadPipeline } from '@tapline/host';
import { afterAll, describe, expect, it } from 'vitest';
import { writeBuiltinConfig } from '../src/demo/builtin-config.js';
import { starterConfig } from '../src/init/starter.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe("the demo's built-in pipeline", () => {
  it("is the starter's, latency measured, and loads from a folder with no plugins installed", async () => {
    const file = await writeBuiltinConfig();
    const dir = path.dirname(file);
    dirs.push(dir);
    const { steps } = await loadPipeline({ config: file, cwd: dir, env: {} });
    expect(steps.map((s) => s.id)).toEqual(starterConfig.pipeline.map((s) => s.id));
    for (const step of steps) expect(path.isAbsolute(step.specifier), step.id).toBe(true);
    const options = Object.fromEntries(steps.map((s) => [s.id, s.options as Record<string, any>]));
    expect(options.normalize!.steps.map((s: { type: string }) => s.type)).toEqual([
      'default',
      'default',
      'filter',
      'coerce',
      'set',
    ]);
    expect(options.metrics!.counters).toEqual(starterConfig.pipeline[2].options.counters);
    expect(options.metrics!.histograms.map((h: { name: string }) => h.name)).toEqual([
      'request_latency_seconds',
    ]);
  });
});
