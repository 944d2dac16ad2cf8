import { DASHBOARD_ENTRY } from './dashboard-scripts.js';
import { DASHBOARD_CSS } from './styles.js';

const CARDS = [
  ['received', 'Received'],
  ['completed', 'Completed'],
  ['dropped', 'Dropped'],
  ['failed', 'Failed'],
  ['lost', 'Lost'],
  ['inFlight', 'In flight'],
] as const;

/** Shown only for sources whose broker redelivers (`redelivered` in the metrics). */
const REDELIVERED_CARD =
  '<div class="card redelivered" id="card-redelivered" hidden><div class="label">Redelivered</div>' +
  '<div class="value" id="acc-redelivered" data-value="">–</div><div class="sub">delivered again by the broker</div></div>';

/**
 * The live dashboard: one page (inline style and SVG) whose script, compiled from ./browser and
 * served by the same server, draws `/api/history` and then polls `/api/metrics` every second,
 * and `/api/failures` when failures were counted; its tap panel streams `/api/tap`. It loads
 * nothing from elsewhere.
 * Every number it shows carries its raw value in `data-value`.
 */
export function dashboardPage(): string {
  const cards =
    CARDS.map(
      ([key, label]) =>
        `<div class="card ${key.toLowerCase()}"><div class="label">${label}</div>` +
        `<div class="value" id="acc-${key}" data-value="">–</div><div class="sub" id="acc-${key}-rate">&nbsp;</div></div>`,
    ).join('') + REDELIVERED_CARD;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tapline</title>
<link rel="icon" href="data:,">
<style>${DASHBOARD_CSS}</style>
</head>
<body data-revision="0">
<header>
  <h1>tap<span>line</span></h1>
  <span class="pill" id="state" data-state="offline">connecting</span>
  <span class="reload" id="reload" data-success="0" data-failure="0" data-last=""></span>
  <span class="meta" id="meta"></span>
</header>
<main>
  <section><h2>Accounting</h2><div class="cards">${cards}</div></section>
  <section class="charts">
    <div class="chart">
      <header><h2>Throughput</h2><div class="legend"><span><i style="background:var(--accent)"></i>received</span><span><i style="background:var(--ok)"></i>completed</span><span><i style="background:var(--bad)"></i>failed or lost</span></div>
      <span class="now" id="throughput-now" data-value="">–</span></header>
      <svg class="plot" id="chart-throughput" role="img" aria-label="messages per second over the last minutes"></svg>
    </div>
    <div class="chart">
      <header><h2>End-to-end latency</h2><div class="legend"><span><i style="background:var(--violet)"></i>p50</span><span><i style="background:var(--warn)"></i>p99</span></div>
      <span class="now" id="latency-now" data-p50="" data-p99="">–</span></header>
      <svg class="plot" id="chart-latency" role="img" aria-label="end-to-end latency over the last minutes"></svg>
    </div>
  </section>
  <section><h2>Pipeline</h2><div class="chain" id="chain"></div></section>
  <section class="panel" id="failures">
    <header><h2>Recent failures</h2><span class="count" id="failures-total" data-value="">–</span>
    <div class="codes" id="failure-codes"></div></header>
    <table class="failures"><thead><tr><th>time</th><th>step</th><th>error</th><th>message</th><th>targets</th><th>payload</th></tr></thead>
    <tbody id="failures-body"></tbody></table>
    <div class="empty" id="failures-empty">No failures.</div>
  </section>
  <section class="panel" id="tap">
    <header><h2>Live tap</h2>
    <form id="tap-form" class="tap-form">
      <select id="tap-step" aria-label="step"></select>
      <select id="tap-side" aria-label="side"><option>output</option><option>input</option><option>dropped</option><option>failed</option></select>
      <input id="tap-where" type="text" placeholder="where (optional)" aria-label="where" spellcheck="false" autocomplete="off">
      <button id="tap-toggle" type="button">Start</button>
    </form>
    <span class="meta"><span id="tap-shown" data-value="0">0</span> shown · <span id="tap-skipped" data-value="0">0</span> skipped</span>
    <span class="meta" id="tap-status" data-state="idle"></span></header>
    <ol class="tap" id="tap-records"></ol>
  </section>
</main>
<footer>Polls <a href="/api/metrics">/api/metrics</a> every second · history <a href="/api/history">/api/history</a> · failures <a href="/api/failures">/api/failures</a> · Prometheus: <a href="/metrics">/metrics</a></footer>
<script type="module" src="${DASHBOARD_ENTRY}"></script>
</body>
</html>
`;
}
