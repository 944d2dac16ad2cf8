import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '@tapline/testkit';
import { repo } from './cli-helpers.js';

// The dashboard test starts `tapline run` and the browser together. When the browser cannot
// start, its clean-up must still stop the host it started: run it with no browser, in a process
// group of its own, and find the group empty once it is over.
let group: number | undefined;
afterAll(() => {
  if (group !== undefined) {
    try {
      process.kill(-group, 'SIGKILL');
    } catch {
      // nothing left
    }
  }
});

/** The live processes of a group (a zombie is dead, waiting for a parent that may not reap it). */
function live(pgid: number): string[] {
  return execFileSync('ps', ['-eo', 'pgid=,stat=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([g, stat]) => g === String(pgid) && !stat!.startsWith('Z'))
    .map((fields) => fields.slice(2).join(' '));
}

describe('the dashboard test without a browser', () => {
  it('fails, and leaves no tapline run behind', async () => {
    // A nested vitest must not take itself for a worker of this one.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS'),
    );
    const vitest = path.join(repo, 'node_modules/vitest/vitest.mjs');
    const child = spawn(process.execPath, [vitest, 'run', 'tests/cli-dashboard.test.ts'], {
      cwd: repo,
      env: { ...env, TAPLINE_CHROMIUM: path.join(repo, 'no-such-browser'), NO_COLOR: '1' },
      detached: true,
    });
    group = child.pid!;
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, output).toBe(1);
    expect(output).toContain('no-such-browser');
    // Whatever the suite started would still be in its group, and a run left behind never leaves
    // it; one that was stopped leaves it as soon as the kernel has reaped it.
    await eventually(() => live(group!).length === 0).catch(() => undefined);
    expect(live(group)).toEqual([]);
  }, 60_000);
});
