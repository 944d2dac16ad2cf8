import { byId, el, find, setNum } from './dom.js';
import { fmtInt, fmtMs, fmtPct, fmtRate } from './format.js';
import type { DashboardMetrics, Step } from './metrics.js';
import { outputsTable, renderOutputs } from './outputs.js';
import { rate } from './samples.js';
import { renderSourceState, sourceState } from './source-state.js';

/** One step's numbers, summed over its operations; durations (service time per record) are those of handle(). */
export interface StepTotals {
  handled: number;
  errors: number;
  dropped: number;
  readonly errorTypes: Record<string, number>;
  p50: number;
  p99: number;
  /** The p99 of the queue wait: what the step's records waited, apart from its own work. */
  waitP99: number;
}

const FIELDS = [
  ['throughput', 'msg/s'],
  ['errorRate', 'error rate'],
  ['p50', 'p50'],
  ['p99', 'p99'],
  ['waitP99', 'wait p99'],
  ['handled', 'handled'],
  ['errors', 'errors'],
  ['dropped', 'dropped'],
] as const;

/** The chain the cards show, to build them again only when it changes (a reload). */
let chainKey = '';

export function stepTotals(m: DashboardMetrics, id: string): StepTotals {
  const t: StepTotals = { handled: 0, errors: 0, dropped: 0, errorTypes: {}, p50: 0, p99: 0, waitP99: 0 };
  for (const op of Object.values(m.operations)) {
    if (op.domain !== id) continue;
    t.handled += op.success;
    t.errors += op.errors;
    t.dropped += op.dropped;
    for (const [k, n] of Object.entries(op.errorTypes)) t.errorTypes[k] = (t.errorTypes[k] ?? 0) + n;
    if (op.operation === 'handle') {
      t.p50 = op.durations.p50;
      t.p99 = op.durations.p99;
      t.waitP99 = op.queueWait.p99;
    }
  }
  return t;
}

function stat(label: string, field: string): HTMLElement {
  const s = el('div', 'stat');
  s.appendChild(el('div', 'k', label));
  const v = el('div', 'v', '–');
  v.setAttribute('data-field', field);
  s.appendChild(v);
  return s;
}

function buildChain(steps: readonly Step[]): void {
  const chain = byId('chain');
  chain.textContent = '';
  steps.forEach((s, i) => {
    if (i > 0) chain.appendChild(el('div', 'arrow', '→'));
    const card = el('div', `step ${s.kind}`);
    card.setAttribute('data-step', s.id);
    card.appendChild(el('div', 'id', s.id));
    card.appendChild(el('div', 'plugin', s.plugin));
    const types = el('div', 'types');
    types.appendChild(el('b', '', s.input));
    types.appendChild(document.createTextNode(' → '));
    types.appendChild(el('b', '', s.output));
    card.appendChild(types);
    const state = sourceState(s);
    if (state !== undefined) card.appendChild(state);
    const stats = el('div', 'stats');
    for (const [field, label] of FIELDS) stats.appendChild(stat(label, field));
    card.appendChild(stats);
    card.appendChild(el('div', 'errtypes'));
    const outputs = outputsTable(s);
    if (outputs !== undefined) card.appendChild(outputs);
    chain.appendChild(card);
  });
}

/**
 * A card per step: its rate, error rate, durations and counts (dropped too), and its errors by
 * type; a source's also says whether it is ready.
 */
export function renderSteps(m: DashboardMetrics): void {
  // The chain and each step's output names, not their books: those change every refresh.
  const key = JSON.stringify(
    m.steps.map((s) => [s.id, s.plugin, s.input, s.output, s.outputs?.map((o) => [o.name, o.buffer])]),
  );
  if (key !== chainKey) {
    buildChain(m.steps);
    chainKey = key;
  }
  for (const s of m.steps) {
    const card = find(document, `[data-step="${CSS.escape(s.id)}"]`);
    const t = stepTotals(m, s.id);
    const total = t.handled + t.errors;
    const f = (name: (typeof FIELDS)[number][0]) => find(card, `[data-field="${name}"]`);
    const perSecond = rate((h) => h.steps[s.id]?.handled ?? 0);
    setNum(f('throughput'), perSecond, fmtRate(perSecond));
    const er = total ? t.errors / total : 0;
    setNum(f('errorRate'), er, fmtPct(er));
    f('errorRate').classList.toggle('bad', t.errors > 0);
    setNum(f('p50'), t.p50, fmtMs(t.p50));
    setNum(f('p99'), t.p99, fmtMs(t.p99));
    setNum(f('waitP99'), t.waitP99, fmtMs(t.waitP99));
    setNum(f('handled'), t.handled, fmtInt(t.handled));
    setNum(f('errors'), t.errors, fmtInt(t.errors));
    f('errors').classList.toggle('bad', t.errors > 0);
    setNum(f('dropped'), t.dropped, fmtInt(t.dropped));
    card.classList.toggle('erroring', t.errors > 0 && er > 0.05);
    find(card, '.errtypes').textContent = Object.entries(t.errorTypes)
      .map(([k, n]) => `${k} × ${n}`)
      .join('  ');
    renderOutputs(card, s.outputs);
    renderSourceState(card, s);
  }
}
