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
  getJson,
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
): Promise<{ run: RunningPipeline; metrics: any; address: string }> {
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
  return { run: host, metrics, address };
}

/** A step's `handle` figures from /api/metrics, as top's columns P50 P99 WAIT-P50 WAIT-P99 UTIL take them. */
function timings(metrics: any, id: string): Array<number | undefined> {
  const op = Object.values(metrics.operations as Record<string, any>).find(
    (o) => o.domain === id && o.operation === 'handle',
  );
  const seen = (d: any, key: 'p50' | 'p99') => (d === undefined || d.count === 0 ? undefined : d[key]);
  return [
    seen(op?.durations, 'p50'),
    seen(op?.durations, 'p99'),
    seen(op?.queueWait, 'p50'),
    seen(op?.queueWait, 'p99'),
    op?.utilisation,
  ];
}

/** A duration cell (`12µs`, `1.5ms`, `150ms`) in ms; a share cell (`2.5%`, `40%`) as 0 to 1; `–` as undefined. */
function cellValue(cell: string): number | undefined {
  if (cell === '–') return undefined;
  const m = /^(\d+(?:\.\d+)?)(µs|ms|%)$/.exec(cell);
  if (m === null) throw new Error(`"${cell}" is not a figure top shows`);
  const n = Number(m[1]);
  return m[2] === 'µs' ? n / 1000 : m[2] === '%' ? n / 100 : n;
}

/** Half the last digit top shows a figure with: what its rounding may move it by. */
function rounding(want: number, share: boolean): number {
  if (share) return want < 0.1 ? 0.0005 : 0.005;
  return want < 1 ? 0.0005 : want < 100 ? 0.05 : 0.5;
}

/** The step ids in the order the screen lists their rows. */
const rowOrder = (text: string, ids: readonly string[]) =>
  text
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0]!)
    .filter((first) => ids.includes(first));

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
  it('shows the running host full-screen under tmux, with its real figures; s sorts, p holds them while traffic flows, q quits', async () => {
    const { run: host, metrics, address } = await busyHost();
    const push = new Push({ linger: 0 });
    push.connect(address);
    let flowing = false;
    let flow: Promise<void> = Promise.resolve();
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
      expect(shown.split('\n')[0]).toMatch(
        / {2}running {2}up \d+m\d\ds {2}source ingest ready {2}sort: pipeline$/,
      );
      const rows = shown.split('\n').map((l) => l.trim().split(/\s+/));
      for (const step of metrics.steps) {
        const row = rows.find((r) => r[0] === step.id);
        expect(row, `a row for ${step.id} in:\n${shown}`).toBeDefined();
        const want = counts(metrics, step.id);
        // STEP IN/S OUT/S HANDLED DROPPED ERRORS …
        expect(row!.slice(3, 6).map(Number)).toEqual([want.handled, want.dropped, want.errors]);
        for (const [code, n] of Object.entries(want.codes)) expect(row!.join(' ')).toContain(`${code}=${n}`);
        // P50 P99 WAIT-P50 WAIT-P99 UTIL: the host's own figures, which hold still once it has
        // settled (utilisation is over the time from the first batch to the last), as top rounds them.
        const cells = row!.slice(6, 11);
        timings(metrics, step.id).forEach((want, i) => {
          const got = cellValue(cells[i]!);
          if (want === undefined) expect(got, `${step.id} column ${i + 6}`).toBeUndefined();
          else
            expect(Math.abs(got! - want), `${step.id}: ${cells[i]} for ${want}`).toBeLessThanOrEqual(
              rounding(want, i === 4) + 1e-9,
            );
        });
        const [p50, p99, waitP50, waitP99] = cells.map(cellValue);
        if (p50 !== undefined) expect(p50).toBeLessThanOrEqual(p99!);
        if (waitP50 !== undefined) expect(waitP50).toBeLessThanOrEqual(waitP99!);
      }
      // The processor is timed: its service time and utilisation are figures, not –.
      const normalize = rows.find((r) => r[0] === 'normalize')!;
      expect([normalize[6], normalize[7], normalize[10]]).not.toContain('–');
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

      const ids = metrics.steps.map((s: any) => s.id as string);
      expect(rowOrder(shown, ids)).toEqual(['ingest', 'normalize', 'export']);
      await t('send-keys', '-t', 'top', 's');
      await eventually(async () => ((await screen()).includes('sort: msg/s in') ? true : undefined));
      await t('send-keys', '-t', 'top', 's');
      // By errors: the step that failed 50 records comes first.
      const sorted = await eventually(async () => {
        const text = await screen();
        return text.includes('sort: errors') ? text : undefined;
      });
      expect(rowOrder(sorted, ids)).toEqual(['normalize', 'ingest', 'export']);

      // Traffic flows from here on; paused, the screen keeps its figures over polls.
      flowing = true;
      flow = (async () => {
        for (let n = TOTAL; flowing; n++) {
          await push.send(JSON.stringify({ n, latencyMs: String(n) }));
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
      })();
      const handledOn = (text: string) =>
        Number(
          text
            .split('\n')
            .find((l) => l.startsWith('ingest '))!
            .trim()
            .split(/\s+/)[3],
        );
      await eventually(async () => (handledOn(await screen()) > TOTAL ? true : undefined), {
        timeoutMs: 10_000,
        what: 'the screen to follow the traffic',
      });
      await t('send-keys', '-t', 'top', 'p');
      const held = await eventually(async () => {
        const text = await screen();
        return text.includes('[paused]') ? text : undefined;
      });
      const pausedAt = Date.now();
      const receivedThen = (await getJson(host.url, '/api/metrics')).accounting.received;
      // Two polls later, with more records taken in meanwhile.
      await eventually(
        async () => {
          const m = await getJson(host.url, '/api/metrics');
          return Date.now() - pausedAt > 2500 && m.accounting.received > receivedThen + 20 ? true : undefined;
        },
        { timeoutMs: 15_000, what: 'traffic while paused' },
      );
      expect(await screen()).toBe(held);
      await t('send-keys', '-t', 'top', 'p');
      await eventually(async () => {
        const text = await screen();
        return !text.includes('[paused]') && handledOn(text) > handledOn(held) ? true : undefined;
      });
      flowing = false;
      await flow;
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
      flowing = false;
      await flow.catch(() => undefined);
      push.close();
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
        expect(block).toContain('\nsource=ingest ready=yes redelivered=–\n');
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
