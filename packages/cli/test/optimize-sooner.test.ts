import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { RUN_INTERRUPT_BUDGET, optimizeSooner } from '../src/commands/optimize-sooner.js';

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
    const output = (flag: string) => {
      const { stdout, stderr, status } = spawnSync(process.execPath, [
        '-e',
        `require('node:v8').setFlagsFromString(${JSON.stringify(flag)})`,
      ]);
      expect(status).toBe(0);
      return `${stdout.toString()}${stderr.toString()}`;
    };
    expect(output('--interrupt-budgets=1')).toMatch(/unrecognized flag/);
    expect(output(`--interrupt-budget=${RUN_INTERRUPT_BUDGET}`)).toBe('');
  });
});
