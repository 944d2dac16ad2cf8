import { describe, expect, it } from 'vitest';
import { plainLines } from '../src/commands/top-format.js';
import { screen } from '../src/commands/top-screen.js';
import { sortSteps, topView, type TopMetrics } from '../src/commands/top-view.js';

const stats = (p50: number, p99: number, count = 10) => ({ count, p50, p99 });

function metrics(handled: number, extra: Record<string, unknown> = {}): TopMetrics {
  return {
    state: 'running',
    uptimeMs: 5000,
    accounting: { received: handled, completed: handled - 3, dropped: 2, failed: 1, lost: 0, inFlight: 0 },
    operations: {
      'a.handle': {
        domain: 'a',
        operation: 'handle',
        success: handled,
        dropped: 0,
        errors: 0,
        errorTypes: {},
        durations: stats(0.01, 0.05),
        ...extra,
      },
      'b.handle': {
        domain: 'b',
        operation: 'handle',
        success: handled - 1,
        dropped: 2,
        errors: 1,
        errorTypes: { TAPLINE_ERR_EXPRESSION: 1 },
        durations: stats(0, 0, 0),
      },
    },
    steps: [
      { id: 'a', kind: 'source' },
      { id: 'b', kind: 'domain' },
    ],
  };
}

describe('top view', () => {
  it('takes rates between two polls, and none from one', () => {
    const first = topView(metrics(100));
    expect(first.steps[0]).toMatchObject({ id: 'a', inRate: undefined, outRate: undefined, handled: 100 });
    const second = topView(metrics(300), metrics(100), 2);
    expect(second.steps[0]).toMatchObject({ inRate: 100, outRate: 100 });
    // b passes on what it handled without error, less what it dropped.
    expect(second.steps[1]).toMatchObject({ inRate: 100, outRate: 100, dropped: 2, errors: 1 });
    expect(second.receivedRate).toBe(100);
  });

  it('leaves a figure the host does not report undefined, shown as –, and shows it when reported', () => {
    const without = topView(metrics(10));
    expect(without.steps[0]).toMatchObject({ waitP99Ms: undefined, utilisation: undefined, p99Ms: 0.05 });
    // No duration seen yet is no figure, not 0.
    expect(without.steps[1]!.p99Ms).toBeUndefined();
    const lines = plainLines(without, without.steps);
    expect(lines).toContain('step=a ');
    expect(lines).toMatch(/step=a .* wait-p99=– util=–/);
    expect(lines).toMatch(/step=b .* p99=– .* codes=TAPLINE_ERR_EXPRESSION=1/);

    const withThem = topView(metrics(10, { queueWait: stats(0.2, 3), utilisation: 0.25 }));
    expect(withThem.steps[0]).toMatchObject({ waitP50Ms: 0.2, waitP99Ms: 3, utilisation: 0.25 });
    expect(plainLines(withThem, withThem.steps)).toMatch(/step=a .* wait-p50=200µs wait-p99=3\.0ms util=25%/);
  });

  it("shows a disk buffer's buffered, delivered, lag, log size and oldest age, and none for a memory queue", () => {
    const target = { maxRecords: 10_000, queued: 0, written: 5000, deadLettered: 0 };
    const m: TopMetrics = {
      ...metrics(5000),
      steps: [
        { id: 'a', kind: 'source' },
        {
          id: 'export',
          kind: 'domain',
          outputs: [
            { ...target, name: 'archive', type: 'file', oldestAgeMs: 0 },
            {
              ...target,
              name: 'hop',
              type: 'zmq',
              oldestAgeMs: 2500,
              buffer: 'disk',
              buffered: 3000,
              delivered: 2000,
              lagBytes: 96_000,
              logBytes: 160_000,
            },
          ],
        },
      ],
    };
    const v = topView(m);
    expect(v.targets.map((t) => t.name)).toEqual(['archive', 'hop']);
    expect(v.targets[1]).toMatchObject({
      step: 'export',
      buffered: 3000,
      lagBytes: 96_000,
      logBytes: 160_000,
    });
    const lines = plainLines(v, v.steps).split('\n');
    expect(lines.find((l) => l.startsWith('target=export/hop '))).toBe(
      'target=export/hop type=zmq fill=0.0% queued=0/10000 oldest=2.5s written=5000 dead-lettered=0 ' +
        'buffered=3000 delivered=2000 lag=96000B log=160000B',
    );
    const archive = lines.find((l) => l.startsWith('target=export/archive '));
    expect(archive).toMatch(/ oldest=– written=5000 dead-lettered=0$/);
    expect(archive).not.toContain('buffered=');

    const frame = screen(v, v.steps, { url: 'http://127.0.0.1:9464/', sort: 'pipeline', paused: false });
    const row = frame.split('\n').find((l) => l.startsWith('export/hop '));
    expect(row).toMatch(/ 2\.5s .*buffered=3000 delivered=2000 lag=96000B log=160000B/);
    // A disk buffer that has not reported its log yet shows –, never 0.
    const early = topView({
      ...m,
      steps: [
        { id: 'export', kind: 'domain', outputs: [{ ...m.steps[1]!.outputs![1]!, logBytes: undefined }] },
      ],
    });
    expect(plainLines(early, early.steps)).toMatch(/ lag=96000B log=–$/m);
  });

  it("shows each source's state in the header and the plain lines: ready, NOT READY, what was redelivered", () => {
    const at = (steps: TopMetrics['steps']) => topView({ ...metrics(10), steps });
    const url = 'http://127.0.0.1:9464/';
    const header = (v: ReturnType<typeof topView>) =>
      screen(v, v.steps, { url, sort: 'pipeline', paused: true }).split('\n')[0];

    const ready = at([
      { id: 'a', kind: 'source', ready: true },
      { id: 'b', kind: 'domain' },
    ]);
    expect(ready.sources).toEqual([{ id: 'a', ready: true, redelivered: undefined }]);
    expect(header(ready)).toBe(
      `tapline top  ${url}  running  up 0m05s  source a ready  sort: pipeline  [paused]`,
    );
    const plain = plainLines(ready, ready.steps).split('\n');
    expect(plain.slice(0, 3)).toEqual([
      'state=running uptime=0m05s',
      'source=a ready=yes redelivered=–',
      expect.stringMatching(/^accounting: received=10 /),
    ]);

    // A NATS source whose connection is down, and that took messages in again.
    const down = at([
      { id: 'a', kind: 'source', ready: false, redelivered: 4 },
      { id: 'b', kind: 'domain' },
    ]);
    expect(header(down)).toContain('  source a NOT READY (4 redelivered)  ');
    expect(plainLines(down, down.steps)).toContain('\nsource=a ready=no redelivered=4\n');

    // A host that does not report a source's state: –, never "ready".
    const older = at([
      { id: 'a', kind: 'source' },
      { id: 'b', kind: 'domain' },
    ]);
    expect(header(older)).toContain('  source a –  ');
    expect(plainLines(older, older.steps)).toContain('\nsource=a ready=– redelivered=–\n');
  });

  it('sorts by the figure chosen, the pipeline order first', () => {
    const v = topView(metrics(300), metrics(100), 1);
    expect(sortSteps(v.steps, 'pipeline').map((s) => s.id)).toEqual(['a', 'b']);
    expect(sortSteps(v.steps, 'errors').map((s) => s.id)).toEqual(['b', 'a']);
    expect(sortSteps(v.steps, 'p99').map((s) => s.id)).toEqual(['a', 'b']);
  });
});
