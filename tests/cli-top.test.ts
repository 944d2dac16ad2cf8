import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '@tapline/testkit';
import { Push } from 'zeromq';
import {
  bin,
  defaultPipeline,
  freePort,
  killRunning,
  pluginPath,
  settled,
  startRun,
  tapline,
  writeTempConfig,
  type RunningPipeline,
} from './cli-helpers.js';

const run = promisify(execFile);
afterEach(killRunning);

const TOTAL = 500;
const BAD = 50;

/** A running pipeline whose processor fails BAD of TOTAL records (latencyMs not a number), settled. */
async function busyHost(
  extra: Record<string, unknown> = {},
): Promise<{ run: RunningPipeline; metrics: any }> {
  const address = `tcp://127.0.0.1:${await freePort()}`;
  const config = defaultPipeline(address, extra);
  config.pipeline[1] = {
    id: 'normalize',
    plugin: pluginPath('processor'),
    options: { steps: [{ type: 'coerce', field: 'latencyMs', to: 'number' }] },
  };
  const { file } = await writeTempConfig(config);
  const host = await startRun(file);
  const push = new Push({ linger: 5000 });
  push.connect(address);
  try {
    for (let n = 0; n < TOTAL; n++) {
      await push.send(JSON.stringify({ n, latencyMs: n % 10 === 0 ? 'fast' : String(n) }));
    }
  } finally {
    push.close();
  }
  const token = (extra.monitor as { http?: { token?: string } } | undefined)?.http?.token;
  const metrics = token === undefined ? await settled(host, TOTAL) : undefined;
  return { run: host, metrics };
}

/** A step's counts as the dashboard sums them, from /api/metrics. */
function counts(metrics: any, id: string) {
  const ops = Object.values(metrics.operations as Record<string, any>).filter((o) => o.domain === id);
  const sum = (f: (o: any) => number) => ops.reduce((n, o) => n + f(o), 0);
  const codes: Record<string, number> = {};
  for (const o of ops)
    for (const [c, n] of Object.entries(o.errorTypes)) codes[c] = (codes[c] ?? 0) + Number(n);
  return {
    handled: sum((o) => o.success + o.errors),
    dropped: sum((o) => o.dropped),
    errors: sum((o) => o.errors),
    codes,
  };
}

function accountingLine(metrics: any): string {
  const a = metrics.accounting;
  return (
    `accounting: received=${a.received} completed=${a.completed} dropped=${a.dropped} ` +
    `failed=${a.failed} lost=${a.lost} inFlight=${a.inFlight}`
  );
}

describe('tapline top', { timeout: 60_000 }, () => {
  it('shows the running host full-screen under tmux, with its real counts; s sorts, p pauses, q quits', async () => {
    const { run: host, metrics } = await busyHost();
    // A server of its own, so that killing it ends the session and whatever runs in it.
    const socket = path.join(tmpdir(), `tapline-top-${process.pid}-${Date.now()}.tmux`);
    const t = (...args: string[]) => run('tmux', ['-S', socket, ...args]);
    const screen = async () => (await t('capture-pane', '-p', '-t', 'top')).stdout;
    try {
      const command = `${process.execPath} ${bin} top --url ${host.url}; echo "top exited with $?"; sleep 600`;
      await t('new-session', '-d', '-s', 'top', '-x', '200', '-y', '50', command);
      const shown = await eventually(
        async () => {
          const text = await screen();
          return text.includes('q quit') && /running/.test(text) ? text : undefined;
        },
        { timeoutMs: 15_000, what: 'the top screen' },
      );
      expect(shown).toContain(accountingLine(metrics));
      const rows = shown.split('\n').map((l) => l.trim().split(/\s+/));
      for (const step of metrics.steps) {
        const row = rows.find((r) => r[0] === step.id);
        expect(row, `a row for ${step.id} in:\n${shown}`).toBeDefined();
        const want = counts(metrics, step.id);
        // STEP IN/S OUT/S HANDLED DROPPED ERRORS …
        expect(row!.slice(3, 6).map(Number)).toEqual([want.handled, want.dropped, want.errors]);
        for (const [code, n] of Object.entries(want.codes)) expect(row!.join(' ')).toContain(`${code}=${n}`);
      }
      expect(counts(metrics, 'normalize').errors).toBe(BAD);
      const [target] = metrics.steps.find((s: any) => s.id === 'export').outputs;
      const targetRow = rows.find((r) => r[0] === `export/${target.name}`);
      expect(targetRow, shown).toBeDefined();
      // TARGET TYPE FILL QUEUED OLDEST WRITTEN DEAD-LETTERED
      expect([targetRow![1], targetRow![3], Number(targetRow![5]), Number(targetRow![6])]).toEqual([
        'file',
        `0/${target.maxRecords}`,
        TOTAL - BAD,
        0,
      ]);

      await t('send-keys', '-t', 'top', 's');
      await eventually(async () => ((await screen()).includes('sort: msg/s in') ? true : undefined));
      await t('send-keys', '-t', 'top', 'p');
      await eventually(async () => ((await screen()).includes('[paused]') ? true : undefined));
      await t('send-keys', '-t', 'top', 'q');
      const after = await eventually(
        async () => {
          const text = await screen();
          return text.includes('top exited with') ? text : undefined;
        },
        { timeoutMs: 10_000, what: 'top to exit' },
      );
      expect(after).toContain('top exited with 0');
      // The alternate screen is left: the shell's screen comes back without the view.
      expect(after).not.toContain('q quit');
    } finally {
      await t('kill-server').catch(() => undefined);
      await rm(socket, { force: true });
      host.child.kill('SIGTERM');
      await host.exit;
    }
  });

  it('prints plain key=value lines when stdout is not a terminal, rates from the second poll on', async () => {
    const { run: host, metrics } = await busyHost();
    try {
      const { code, stdout, stderr } = await tapline(['top', '--url', host.url, '--count', '2']);
      expect(code, stderr).toBe(0);
      expect(stdout).not.toContain('\u001b');
      const blocks = stdout.trim().split('\n\n');
      expect(blocks).toHaveLength(2);
      for (const block of blocks) {
        expect(block).toContain(accountingLine(metrics));
        expect(block).toContain('state=running');
        for (const step of metrics.steps) {
          const want = counts(metrics, step.id);
          expect(block).toMatch(
            new RegExp(
              `^step=${step.id} .* handled=${want.handled} dropped=${want.dropped} errors=${want.errors} `,
              'm',
            ),
          );
        }
        expect(block).toMatch(
          new RegExp(`^target=export/file type=file .* written=${TOTAL - BAD} dead-lettered=0$`, 'm'),
        );
      }
      expect(blocks[0]).toMatch(/^step=ingest in\/s=– out\/s=– /m);
      // Settled: nothing came in between the two polls.
      expect(blocks[1]).toMatch(/^step=ingest in\/s=0\.0 out\/s=0\.0 /m);
      expect(blocks[1]).toMatch(/^step=normalize .* codes=TAPLINE_ERR_\w+=50$/m);
    } finally {
      host.child.kill('SIGTERM');
      await host.exit;
    }
  });

  it('reads an API with a token from --token or TAPLINE_HTTP_TOKEN, and says when it is refused', async () => {
    const token = 'top-token-0123456789abcdef';
    const { run: host } = await busyHost({ monitor: { http: { host: '127.0.0.1', port: 0, token } } });
    try {
      const refused = await tapline(['top', '--url', host.url, '-n', '1']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('401');
      const flag = await tapline(['top', '--url', host.url, '-n', '1', '--token', token]);
      expect(flag.code, flag.stderr).toBe(0);
      expect(flag.stdout).toMatch(/^step=normalize /m);
      const env = await tapline(['top', '--url', host.url, '-n', '1'], {
        env: { TAPLINE_HTTP_TOKEN: token },
      });
      expect(env.code, env.stderr).toBe(0);
      expect(env.stdout).toMatch(/^accounting: received=\d+ /m);
    } finally {
      host.child.kill('SIGTERM');
      await host.exit;
    }
  });
});
