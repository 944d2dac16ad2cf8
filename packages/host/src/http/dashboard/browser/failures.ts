// The recent failures panel: the host's latest dead letters and a count per error code. Every
// field comes from a failed record or its error, so each is set as text, never as HTML.
import { byId, el, setNum } from './dom.js';
import { fmtInt } from './format.js';
import type { Failure, Failures } from './metrics.js';

const COLUMNS: ReadonlyArray<readonly [string, (f: Failure) => string]> = [
  ['time', (f) => new Date(f.time).toLocaleTimeString()],
  ['step', (f) => f.step],
  ['errorType', (f) => f.errorType],
  ['message', (f) => f.message],
  ['targets', (f) => (f.targets?.join(', ') ?? '') + (f.late === true ? ' (late)' : '')],
  ['payload', (f) => f.payload + (f.truncated ? '…' : '')],
];

function row(f: Failure): HTMLElement {
  const tr = el('tr');
  if (f.messageId !== undefined) tr.setAttribute('data-message-id', String(f.messageId));
  for (const [field, text] of COLUMNS) {
    const td = el('td', `f-${field}`, text(f));
    td.setAttribute('data-field', field);
    // The cell shows one line; the whole text is one hover away.
    if (field === 'payload' || field === 'message') td.title = td.textContent ?? '';
    tr.appendChild(td);
  }
  return tr;
}

export function renderFailures(f: Failures): void {
  setNum(byId('failures-total'), f.total, fmtInt(f.total));
  const codes = byId('failure-codes');
  codes.textContent = '';
  for (const [code, n] of Object.entries(f.byCode).sort((a, b) => b[1] - a[1])) {
    const chip = el('span', 'code');
    chip.setAttribute('data-code', code);
    chip.setAttribute('data-value', String(n));
    chip.appendChild(el('span', 'name', code));
    chip.appendChild(document.createTextNode(` × ${fmtInt(n)}`));
    codes.appendChild(chip);
  }
  const body = byId('failures-body');
  body.replaceChildren(...f.recent.map(row));
  byId('failures-empty').hidden = f.recent.length > 0;
}
