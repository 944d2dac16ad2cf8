import { byId } from './dom.js';
import { fmtMs, fmtRate } from './format.js';
import { history } from './samples.js';
import { drawChart } from './svg-chart.js';

/**
 * Throughput (received, completed, and failed or lost per second: every failure, whether its
 * dead letter was written or not) and end-to-end latency (p50, p99).
 */
export function renderCharts(): void {
  const times: number[] = [];
  const rec: number[] = [];
  const done: number[] = [];
  const fail: number[] = [];
  const p50: Array<number | null> = [];
  const p99: Array<number | null> = [];
  for (let i = 1; i < history.length; i++) {
    const a = history[i - 1]!;
    const b = history[i]!;
    const dt = (b.t - a.t) / 1000;
    times.push(b.t);
    rec.push(dt > 0 ? (b.accounting.received - a.accounting.received) / dt : 0);
    done.push(dt > 0 ? (b.accounting.completed - a.accounting.completed) / dt : 0);
    fail.push(
      dt > 0 ? (b.accounting.failed + b.accounting.lost - a.accounting.failed - a.accounting.lost) / dt : 0,
    );
    p50.push(b.latency.count ? b.latency.p50 : null);
    p99.push(b.latency.count ? b.latency.p99 : null);
  }
  // What the chart holds, for a reader that cannot see it (tests, screen readers' titles).
  const throughput = byId('chart-throughput');
  throughput.setAttribute('data-points', String(times.length));
  throughput.setAttribute('data-peak', String(rec.reduce((m, v) => (v > m ? v : m), 0)));
  drawChart(
    throughput,
    times,
    [
      { values: rec, color: 'var(--accent)', fill: true },
      { values: done, color: 'var(--ok)' },
      { values: fail, color: 'var(--bad)' },
    ],
    (v) => `${fmtRate(v)}/s`,
  );
  drawChart(
    byId('chart-latency'),
    times,
    [
      { values: p99, color: 'var(--warn)' },
      { values: p50, color: 'var(--violet)', fill: true },
    ],
    fmtMs,
  );
}
