import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  RUN_INTERRUPT_BUDGET,
  V8_SEMI_SPACE_GROWTH_FACTOR,
  holdYoungGeneration,
  optimizeSooner,
} from '../src/commands/v8-tuning.js';

/** Runs `script` in a new Node with `args`; returns what it printed, V8's complaints included. */
function node(script: string, args: string[] = []): string {
  const { stdout, stderr, status } = spawnSync(process.execPath, [
    '--input-type=module',
    '-e',
    script,
    ...args,
  ]);
  expect(status, stderr.toString()).toBe(0);
  return `${stdout.toString()}${stderr.toString()}`;
}

describe('optimizeSooner', () => {
  it("sets V8's interrupt budget for tapline run when Node was started without one", () => {
    const set: string[] = [];
    expect(optimizeSooner(['--enable-source-maps'], (flags) => set.push(flags))).toBe(RUN_INTERRUPT_BUDGET);
    expect(set).toEqual([`--interrupt-budget=${RUN_INTERRUPT_BUDGET}`]);
  });

  it('leaves a budget Node was started with as it is, in either spelling', () => {
    for (const argv of [
      ['--interrupt-budget=67584'],
      ['--interrupt_budget=1000'],
      ['--interrupt-budget', '500'],
    ]) {
      const set: string[] = [];
      expect(
        optimizeSooner(argv, (flags) => set.push(flags)),
        argv.join(' '),
      ).toBeUndefined();
      expect(set, argv.join(' ')).toEqual([]);
    }
  });

  it('sets a flag this Node knows: V8 reports one it does not, and carries on without it', () => {
    const set = (flag: string) =>
      `import { setFlagsFromString } from 'node:v8'; setFlagsFromString(${JSON.stringify(flag)});`;
    expect(node(set('--interrupt-budgets=1'))).toMatch(/unrecognized flag/);
    expect(node(set(`--interrupt-budget=${RUN_INTERRUPT_BUDGET}`))).toBe('');
  });
});

describe('holdYoungGeneration', () => {
  it("stops the young generation's growth until released, then gives V8 its own factor back, once", () => {
    const set: string[] = [];
    const release = holdYoungGeneration([], (flags) => set.push(flags));
    expect(set).toEqual(['--semi-space-growth-factor=1']);
    release();
    release();
    expect(set).toEqual([
      '--semi-space-growth-factor=1',
      `--semi-space-growth-factor=${V8_SEMI_SPACE_GROWTH_FACTOR}`,
    ]);
  });

  it('leaves a growth factor Node was started with as it is, in either spelling', () => {
    for (const argv of [['--semi-space-growth-factor=4'], ['--semi_space_growth_factor', '4']]) {
      const set: string[] = [];
      holdYoungGeneration(argv, (flags) => set.push(flags))();
      expect(set, argv.join(' ')).toEqual([]);
    }
  });

  it("keeps a real process's young generation small while it allocates what lives, and lets it grow once released", () => {
    // What start-up does: allocate much that stays alive. V8 grows the young generation for it,
    // unless held; released, it grows again.
    const script = `
      import v8 from 'node:v8';
      import { holdYoungGeneration } from ${JSON.stringify(new URL('../dist/commands/v8-tuning.js', import.meta.url).href)};
      const youngMiB = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 2 ** 20;
      const live = [];
      const allocate = () => { for (let i = 0; i < 400_000; i++) live.push({ i, a: [i] }); };
      const hold = process.argv.includes('hold');
      const release = hold ? holdYoungGeneration() : () => {};
      allocate();
      const during = youngMiB();
      release();
      allocate();
      console.log(JSON.stringify({ during, after: youngMiB() }));
    `;
    type Sizes = { during: number; after: number };
    const held = JSON.parse(node(script, ['hold'])) as Sizes;
    const free = JSON.parse(node(script)) as Sizes;
    expect(free.during).toBeGreaterThan(4);
    expect(held.during).toBeLessThanOrEqual(2);
    expect(held.after).toBeGreaterThan(held.during);
  });
});
