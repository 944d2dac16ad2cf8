/**
 * Browser code of the dashboard: polls /api/metrics every second, keeps the last minutes of
 * samples, derives rates from count deltas, and renders numbers with their raw values in
 * data-value attributes (tests read those). Data from the config is set as text, never as HTML.
 */
export const DASHBOARD_SCRIPT = String.raw`
(function () {
  'use strict';
  var RATE_WINDOW_MS = 5000;
  var history = [];
  var chainKey = '';
  var revision = 0;
  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function setNum(e, value, text) { e.setAttribute('data-value', String(value)); e.textContent = text; }

  // One step's numbers, summed over its operations; durations are those of handle().
  function stepTotals(m, id) {
    var t = { handled: 0, errors: 0, dropped: 0, errorTypes: {}, p50: 0, p99: 0 };
    Object.keys(m.operations).forEach(function (key) {
      var op = m.operations[key];
      if (op.domain !== id) return;
      t.handled += op.success; t.errors += op.errors; t.dropped += op.dropped;
      Object.keys(op.errorTypes).forEach(function (k) { t.errorTypes[k] = (t.errorTypes[k] || 0) + op.errorTypes[k]; });
      if (op.operation === 'handle') { t.p50 = op.durations.p50; t.p99 = op.durations.p99; }
    });
    return t;
  }

  // Rate of a counter over the last few seconds of samples.
  function rate(read) {
    var last = history[history.length - 1], first = last;
    for (var i = history.length - 2; i >= 0 && last.t - history[i].t <= RATE_WINDOW_MS; i--) first = history[i];
    var dt = (last.t - first.t) / 1000;
    return dt > 0 ? Math.max(0, (read(last) - read(first)) / dt) : 0;
  }

  function stat(label, field) {
    var s = el('div', 'stat');
    s.appendChild(el('div', 'k', label));
    var v = el('div', 'v', '–');
    v.setAttribute('data-field', field);
    s.appendChild(v);
    return s;
  }

  function buildChain(steps) {
    var chain = $('chain');
    chain.textContent = '';
    steps.forEach(function (s, i) {
      if (i > 0) chain.appendChild(el('div', 'arrow', '→'));
      var card = el('div', 'step ' + s.kind);
      card.setAttribute('data-step', s.id);
      card.appendChild(el('div', 'id', s.id));
      card.appendChild(el('div', 'plugin', s.plugin));
      var types = el('div', 'types');
      types.appendChild(el('b', '', s.input));
      types.appendChild(document.createTextNode(' → '));
      types.appendChild(el('b', '', s.output));
      card.appendChild(types);
      var stats = el('div', 'stats');
      [['throughput', 'msg/s'], ['errorRate', 'error rate'], ['p50', 'p50'], ['p99', 'p99'],
        ['handled', 'handled'], ['errors', 'errors']].forEach(function (f) { stats.appendChild(stat(f[1], f[0])); });
      card.appendChild(stats);
      card.appendChild(el('div', 'errtypes'));
      chain.appendChild(card);
    });
  }

  function renderSteps(m) {
    var key = JSON.stringify(m.steps);
    if (key !== chainKey) { buildChain(m.steps); chainKey = key; }
    m.steps.forEach(function (s) {
      var card = document.querySelector('[data-step="' + CSS.escape(s.id) + '"]');
      var t = stepTotals(m, s.id);
      var total = t.handled + t.errors;
      function f(name) { return card.querySelector('[data-field="' + name + '"]'); }
      var perSecond = rate(function (h) { return h.steps[s.id] || 0; });
      setNum(f('throughput'), perSecond, fmtRate(perSecond));
      var er = total ? t.errors / total : 0;
      setNum(f('errorRate'), er, fmtPct(er));
      f('errorRate').classList.toggle('bad', t.errors > 0);
      setNum(f('p50'), t.p50, fmtMs(t.p50));
      setNum(f('p99'), t.p99, fmtMs(t.p99));
      setNum(f('handled'), t.handled, fmtInt(t.handled));
      setNum(f('errors'), t.errors, fmtInt(t.errors));
      f('errors').classList.toggle('bad', t.errors > 0);
      card.classList.toggle('erroring', t.errors > 0 && er > 0.05);
      card.querySelector('.errtypes').textContent = Object.keys(t.errorTypes)
        .map(function (k) { return k + ' × ' + t.errorTypes[k]; }).join('  ');
    });
  }

  function renderAccounting(m) {
    ['received', 'completed', 'dropped', 'failed', 'lost', 'inFlight'].forEach(function (k) {
      setNum($('acc-' + k), m.accounting[k], fmtInt(m.accounting[k]));
      var sub = $('acc-' + k + '-rate');
      if (k === 'inFlight') sub.textContent = 'of ' + fmtInt(m.accounting.received) + ' received';
      else if (k === 'lost') sub.textContent = 'dead letters not written';
      else sub.textContent = fmtRate(rate(function (h) { return h.acc[k]; })) + ' /s';
    });
    $('card-redelivered').hidden = m.redelivered === undefined;
    if (m.redelivered !== undefined) setNum($('acc-redelivered'), m.redelivered, fmtInt(m.redelivered));
  }

  function renderCharts() {
    var times = [], rec = [], done = [], fail = [], p50 = [], p99 = [];
    for (var i = 1; i < history.length; i++) {
      var a = history[i - 1], b = history[i], dt = (b.t - a.t) / 1000;
      times.push(b.t);
      rec.push(dt > 0 ? (b.acc.received - a.acc.received) / dt : 0);
      done.push(dt > 0 ? (b.acc.completed - a.acc.completed) / dt : 0);
      fail.push(dt > 0 ? (b.acc.failed - a.acc.failed) / dt : 0);
      p50.push(b.latency.count ? b.latency.p50 : null);
      p99.push(b.latency.count ? b.latency.p99 : null);
    }
    drawChart($('chart-throughput'), times, [
      { values: rec, color: 'var(--accent)', fill: true },
      { values: done, color: 'var(--ok)' },
      { values: fail, color: 'var(--bad)' },
    ], function (v) { return fmtRate(v) + '/s'; });
    drawChart($('chart-latency'), times, [
      { values: p99, color: 'var(--warn)' },
      { values: p50, color: 'var(--violet)', fill: true },
    ], fmtMs);
  }

  // The config reloads: counts, and when the last one ended and how.
  function renderReloads(r) {
    var e = $('reload');
    e.setAttribute('data-success', String(r.success));
    e.setAttribute('data-failure', String(r.failure));
    e.setAttribute('data-last', r.last ? r.last.result : '');
    if (!r.last) { e.textContent = ''; return; }
    e.textContent = 'reloads ' + fmtInt(r.success) + ' ok · ' + fmtInt(r.failure) + ' failed · last ' +
      (r.last.result === 'success' ? 'ok' : 'FAILED') + ' at ' + new Date(r.last.at).toLocaleTimeString() +
      (r.queued ? ' · ' + r.queued + ' queued' : '');
    e.title = r.last.error || '';
  }

  function render(m) {
    var now = Date.now();
    var steps = {};
    m.steps.forEach(function (s) { var t = stepTotals(m, s.id); steps[s.id] = t.handled + t.errors; });
    history.push({ t: now, acc: m.accounting, steps: steps, latency: m.latency });
    while (history.length && now - history[0].t > CHART_SPAN_MS + 5000) history.shift();
    var state = $('state');
    state.setAttribute('data-state', m.state);
    state.textContent = m.state;
    $('meta').textContent = 'uptime ' + fmtUptime(m.uptimeMs) + ' · window ' + m.durationsWindow +
      ' · updated ' + new Date(now).toLocaleTimeString();
    renderAccounting(m);
    if (m.reloads) renderReloads(m.reloads);
    renderSteps(m);
    var tn = $('throughput-now'), thr = rate(function (h) { return h.acc.received; });
    setNum(tn, thr, fmtRate(thr) + ' msg/s');
    var ln = $('latency-now');
    ln.setAttribute('data-p50', String(m.latency.p50));
    ln.setAttribute('data-p99', String(m.latency.p99));
    ln.textContent = 'p50 ' + fmtMs(m.latency.p50) + ' · p99 ' + fmtMs(m.latency.p99);
    renderCharts();
    document.body.setAttribute('data-revision', String(++revision));
  }

  // A token rides in the fragment (#token=...), which the browser never sends to a server.
  var token = new URLSearchParams(location.hash.slice(1)).get('token');
  var headers = token ? { authorization: 'Bearer ' + token } : {};
  function poll() {
    fetch('/api/metrics', { cache: 'no-store', headers: headers })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(render)
      .catch(function () {
        var state = $('state');
        state.setAttribute('data-state', 'offline');
        state.textContent = 'offline · retrying';
      })
      .then(function () { setTimeout(poll, 1000); });
  }
  window.addEventListener('resize', function () { if (history.length) renderCharts(); });
  poll();
})();
`;
