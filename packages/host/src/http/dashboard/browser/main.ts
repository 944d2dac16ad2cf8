// The dashboard's script: polls /api/metrics every second, keeps the last minutes of samples,
// derives rates from count deltas, and renders numbers with their raw values in data-value
// attributes (tests read those).
import { renderAccounting } from './accounting.js';
import { renderCharts } from './charts.js';
import { byId, setNum } from './dom.js';
import { fmtMs, fmtRate, fmtUptime } from './format.js';
import type { DashboardMetrics } from './metrics.js';
import { renderReloads } from './reloads.js';
import { history, rate, remember } from './samples.js';
import { renderSteps, stepTotals } from './steps.js';

let revision = 0;

function render(m: DashboardMetrics): void {
  const now = Date.now();
  const steps: Record<string, number> = {};
  for (const s of m.steps) {
    const t = stepTotals(m, s.id);
    steps[s.id] = t.handled + t.errors;
  }
  remember({ t: now, acc: m.accounting, steps, latency: m.latency });
  const state = byId('state');
  state.setAttribute('data-state', m.state);
  state.textContent = m.state;
  byId('meta').textContent =
    `uptime ${fmtUptime(m.uptimeMs)} · window ${m.durationsWindow}` +
    ` · updated ${new Date(now).toLocaleTimeString()}`;
  renderAccounting(m);
  if (m.reloads) renderReloads(m.reloads);
  renderSteps(m);
  const thr = rate((h) => h.acc.received);
  setNum(byId('throughput-now'), thr, `${fmtRate(thr)} msg/s`);
  const ln = byId('latency-now');
  ln.setAttribute('data-p50', String(m.latency.p50));
  ln.setAttribute('data-p99', String(m.latency.p99));
  ln.textContent = `p50 ${fmtMs(m.latency.p50)} · p99 ${fmtMs(m.latency.p99)}`;
  renderCharts();
  document.body.setAttribute('data-revision', String(++revision));
}

// A token rides in the fragment (#token=...), which the browser never sends to a server.
const token = new URLSearchParams(location.hash.slice(1)).get('token');
const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};

function poll(): void {
  // Never rejects: a failed poll shows "offline" and the next one is scheduled either way.
  void fetch('/api/metrics', { cache: 'no-store', headers })
    .then((r) => {
      if (!r.ok) throw new Error(String(r.status));
      return r.json() as Promise<DashboardMetrics>;
    })
    .then(render)
    .catch(() => {
      const state = byId('state');
      state.setAttribute('data-state', 'offline');
      state.textContent = 'offline · retrying';
    })
    .then(() => {
      setTimeout(poll, 1000);
    });
}

window.addEventListener('resize', () => {
  if (history.length) renderCharts();
});
poll();
