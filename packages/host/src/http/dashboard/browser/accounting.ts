import { byId, setNum } from './dom.js';
import { fmtInt, fmtRate } from './format.js';
import type { Accounting, DashboardMetrics } from './metrics.js';
import { rate } from './samples.js';

const KEYS: ReadonlyArray<keyof Accounting> = [
  'received',
  'completed',
  'dropped',
  'failed',
  'lost',
  'inFlight',
];

/** The accounting cards: each outcome's count and rate, and what the broker delivered again. */
export function renderAccounting(m: DashboardMetrics): void {
  for (const k of KEYS) {
    setNum(byId(`acc-${k}`), m.accounting[k], fmtInt(m.accounting[k]));
    const sub = byId(`acc-${k}-rate`);
    if (k === 'inFlight') sub.textContent = `of ${fmtInt(m.accounting.received)} received`;
    else if (k === 'lost') sub.textContent = 'dead letters not written';
    else sub.textContent = `${fmtRate(rate((h) => h.accounting[k]))} /s`;
  }
  byId('card-redelivered').hidden = m.redelivered === undefined;
  if (m.redelivered !== undefined) setNum(byId('acc-redelivered'), m.redelivered, fmtInt(m.redelivered));
}
