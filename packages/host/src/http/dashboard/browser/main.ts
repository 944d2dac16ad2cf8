// The dashboard's script: draws the host's history of the last minutes, then polls
// /api/metrics every second, derives rates from count deltas, and renders numbers with their
// raw values in data-value attributes (tests read those). The recent failures are fetched
// again only when the count of failures changed.
import { renderAccounting } from './accounting.js';
import { getJson } from './api.js';
import { renderCharts } from './charts.js';
import { byId, setNum } from './dom.js';
import { renderFailures } from './failures.js';
import { fmtMs, fmtRate, fmtUptime } from './format.js';
import type { DashboardMetrics, Failures, History, StepCounts } from './metrics.js';
import { renderReloads } from './reloads.js';
import { history, rate, remember, rememberHistory } from './samples.js';
import { renderSteps, stepTotals } from './steps.js';
import { startTapPanel, tapSteps } from './tap.js';

let revision = 0;
/** The failures (failed + lost) the panel shows; -1 before the first fetch. */
let failuresShown = -1;

function render(m: DashboardMetrics): void {
  const now = Date.now();
  const steps: Record<string, StepCounts> = {};
  for (const s of m.steps) {
    const t = stepTotals(m, s.id);
    steps[s.id] = { handled: t.handled + t.errors, dropped: t.dropped, errors: t.errors };
  }
  remember({ t: now, accounting: m.accounting, steps, latency: m.latency });
  const state = byId('state');
  state.setAttribute('data-state', m.state);
  state.textContent = m.state;
  byId('meta').textContent =
    `uptime ${fmtUptime(m.uptimeMs)} · window ${m.durationsWindow}` +
    ` · updated ${new Date(now).toLocaleTimeString()}`;
  renderAccounting(m);
  if (m.reloads) renderReloads(m.reloads);
  renderSteps(m);
  tapSteps(m.steps);
  const thr = rate((h) => h.accounting.received);
  setNum(byId('throughput-now'), thr, `${fmtRate(thr)} msg/s`);
  const ln = byId('latency-now');
  ln.setAttribute('data-p50', String(m.latency.p50));
  ln.setAttribute('data-p99', String(m.latency.p99));
  ln.textContent = `p50 ${fmtMs(m.latency.p50)} · p99 ${fmtMs(m.latency.p99)}`;
  renderCharts();
  document.body.setAttribute('data-revision', String(++revision));
}

/** Fetches the failures when their count moved; a failed fetch is tried again at the next poll. */
async function refreshFailures(m: DashboardMetrics): Promise<void> {
  const count = m.accounting.failed + m.accounting.lost;
  if (count === failuresShown) return;
  renderFailures(await getJson<Failures>('/api/failures'));
  failuresShown = count;
}

function poll(): void {
  // Never rejects: a failed poll shows "offline" and the next one is scheduled either way.
  void getJson<DashboardMetrics>('/api/metrics')
    .then(async (m) => {
      render(m);
      // The panel keeps what it showed when this fetch fails; the poll is not offline for it.
      await refreshFailures(m).catch(() => undefined);
    })
    .catch(() => {
      const state = byId('state');
      state.setAttribute('data-state', 'offline');
      state.textContent = 'offline · retrying';
    })
    .then(() => {
      setTimeout(poll, 1000);
    });
}

/** Draws what the host sampled before this page opened; the page starts from nothing without it. */
async function loadHistory(): Promise<void> {
  try {
    const h = await getJson<History>('/api/history');
    rememberHistory(h, Date.now());
    document.body.setAttribute('data-history', String(h.samples.length));
    if (history.length) renderCharts();
  } catch {
    document.body.setAttribute('data-history', '0');
  }
}

window.addEventListener('resize', () => {
  if (history.length) renderCharts();
});
startTapPanel();
void loadHistory().then(poll);
