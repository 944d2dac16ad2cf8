import { byId } from './dom.js';
import { fmtInt } from './format.js';
import type { Reloads } from './metrics.js';

/** The config reloads: counts, and when the last one ended and how. */
export function renderReloads(r: Reloads): void {
  const e = byId('reload');
  e.setAttribute('data-success', String(r.success));
  e.setAttribute('data-failure', String(r.failure));
  e.setAttribute('data-last', r.last ? r.last.result : '');
  if (!r.last) {
    e.textContent = '';
    return;
  }
  e.textContent =
    `reloads ${fmtInt(r.success)} ok · ${fmtInt(r.failure)} failed · last ` +
    `${r.last.result === 'success' ? 'ok' : 'FAILED'} at ${new Date(r.last.at).toLocaleTimeString()}` +
    (r.queued ? ` · ${r.queued} queued` : '');
  e.title = r.last.error || '';
}
