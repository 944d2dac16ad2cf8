import { el, find, setNum } from './dom.js';
import { fmtBytes, fmtInt, fmtMs } from './format.js';
import type { OutputRow, Step } from './metrics.js';

const COLUMNS = [
  ['name', 'target'],
  ['written', 'written'],
  ['dropped', 'dropped'],
  ['deadLettered', 'dead-lettered'],
  ['lost', 'lost'],
  ['queued', 'queued'],
  ['oldestAgeMs', 'oldest'],
] as const;

/** Shown when one of the step's targets has a disk buffer: its cursor's lag and the log's size. */
const DISK_COLUMNS = [
  ['buffered', 'lag'],
  ['logBytes', 'log'],
] as const;

const hasDisk = (step: Step) => step.outputs?.some((o) => o.buffer === 'disk') ?? false;

/** The table under a step's card that lists its outputs, one row each; built with the chain. */
export function outputsTable(step: Step): HTMLElement | undefined {
  if (step.outputs === undefined || step.outputs.length === 0) return undefined;
  const columns = hasDisk(step) ? [...COLUMNS, ...DISK_COLUMNS] : COLUMNS;
  const table = el('table', 'outputs');
  const head = el('tr');
  for (const [field, label] of columns) {
    const th = el('th', '', label);
    if (field === 'buffered') th.title = 'records in the disk log not yet delivered to the target';
    if (field === 'logBytes') th.title = "size of the disk log's segment files";
    head.appendChild(th);
  }
  table.appendChild(head);
  for (const o of step.outputs) {
    const row = el('tr');
    row.setAttribute('data-output', o.name);
    row.title = `${o.type}; takes ${o.route}; when full: ${o.whenFull}${o.buffer === 'disk' ? '; disk buffer' : ''}`;
    for (const [field] of columns) {
      const cell = el('td', field === 'name' ? 'name' : 'num', field === 'name' ? o.name : '–');
      cell.setAttribute('data-field', field);
      row.appendChild(cell);
    }
    table.appendChild(row);
  }
  return table;
}

/** Fills the rows of a card's outputs table from the step's books. */
export function renderOutputs(card: Element, outputs: readonly OutputRow[] | undefined): void {
  for (const o of outputs ?? []) {
    const row = card.querySelector(`tr[data-output="${CSS.escape(o.name)}"]`);
    if (row === null) continue;
    const f = (name: string) => find(row, `[data-field="${name}"]`);
    for (const name of ['written', 'dropped', 'deadLettered', 'lost'] as const) {
      setNum(f(name), o[name], fmtInt(o[name]));
    }
    setNum(f('queued'), o.queued, `${fmtInt(o.queued)}${o.waiting > 0 ? ` +${fmtInt(o.waiting)}` : ''}`);
    f('queued').classList.toggle('bad', o.waiting > 0 || (o.maxRecords > 0 && o.queued >= o.maxRecords));
    // A disk buffer's oldest record counts even when nothing is queued in memory.
    setNum(f('oldestAgeMs'), o.oldestAgeMs, o.oldestAgeMs > 0 ? fmtMs(o.oldestAgeMs) : '–');
    f('deadLettered').classList.toggle('bad', o.deadLettered > 0);
    f('lost').classList.toggle('bad', o.lost > 0);
    if (o.buffer === 'disk' && o.buffered !== undefined && o.logBytes !== undefined) {
      setNum(f('buffered'), o.buffered, fmtInt(o.buffered));
      f('buffered').setAttribute('title', o.lagBytes === undefined ? '' : `${fmtBytes(o.lagBytes)} behind`);
      setNum(f('logBytes'), o.logBytes, fmtBytes(o.logBytes));
    }
  }
}
