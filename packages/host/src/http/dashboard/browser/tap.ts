// The live tap panel: pick a step and a side, see its records as the host's tap streams them.
// Records are shown as text, never as HTML. At most TAP_RATE a second travel, sampled in the host.
import { streamLines } from './api.js';
import { byId, el, setNum } from './dom.js';
import { fmtInt } from './format.js';
import type { Step, TapRecord, TapSkipped } from './metrics.js';

/** Records a second the page asks for: a reader's pace, sampled fairly by the host. */
const TAP_RATE = 20;
/** Rows the panel keeps, newest first. */
const TAP_ROWS = 100;

let tapping: AbortController | undefined;
let shown = 0;
let skipped = 0;
/** The step ids the picker lists, to rebuild it only when the chain changed. */
let listed = '';

const input = <T extends HTMLElement>(id: string) => byId(id) as T;

/** Lists the chain's steps in the picker, keeping the choice; the last step is the default. */
export function tapSteps(steps: readonly Step[]): void {
  const ids = steps.map((s) => s.id);
  if (ids.join('\n') === listed) return;
  listed = ids.join('\n');
  const select = input<HTMLSelectElement>('tap-step');
  const chosen = select.value;
  select.replaceChildren(...ids.map((id) => el('option', '', id)));
  select.value = ids.includes(chosen) ? chosen : (ids[ids.length - 1] ?? '');
}

function status(state: string, text: string): void {
  const s = byId('tap-status');
  s.setAttribute('data-state', state);
  s.textContent = text;
}

function counts(): void {
  setNum(byId('tap-shown'), shown, fmtInt(shown));
  setNum(byId('tap-skipped'), skipped, fmtInt(skipped));
}

function show(line: TapRecord | TapSkipped): void {
  if (line.type === 'skipped') {
    skipped += line.count;
    return counts();
  }
  if (line.type !== 'record') return;
  const row = el('li');
  row.setAttribute('data-id', String(line.id));
  row.setAttribute('data-side', line.side);
  row.appendChild(el('span', 't-time', new Date(line.time).toLocaleTimeString()));
  row.appendChild(el('span', 't-id', `#${line.id}`));
  row.appendChild(el('span', 't-step', `${line.step} ${line.side}`));
  if (line.reason !== undefined) row.appendChild(el('span', 't-reason', line.reason));
  if (line.error !== undefined)
    row.appendChild(el('span', 't-error', `${line.error.code}: ${line.error.message}`));
  const text = typeof line.record === 'string' ? line.record : JSON.stringify(line.record);
  row.appendChild(el('code', 't-record', text ?? String(line.record)));
  const list = byId('tap-records');
  list.prepend(row);
  while (list.children.length > TAP_ROWS) list.lastElementChild!.remove();
  shown++;
  counts();
}

function start(): void {
  const step = input<HTMLSelectElement>('tap-step').value;
  const side = input<HTMLSelectElement>('tap-side').value;
  const where = input<HTMLInputElement>('tap-where').value.trim();
  const query = new URLSearchParams({ step, side, rate: String(TAP_RATE) });
  if (where !== '') query.set('where', where);
  const controller = new AbortController();
  tapping = controller;
  byId('tap-records').textContent = '';
  shown = skipped = 0;
  counts();
  byId('tap-toggle').textContent = 'Stop';
  status('tapping', `tapping ${step} (${side})`);
  streamLines(`/api/tap?${query}`, controller.signal, (v) => show(v as TapRecord | TapSkipped))
    .then(() => status('ended', 'the host ended the tap'))
    .catch((err: unknown) => {
      if (!controller.signal.aborted) status('error', err instanceof Error ? err.message : String(err));
    })
    .finally(() => {
      if (tapping === controller) {
        tapping = undefined;
        byId('tap-toggle').textContent = 'Start';
      }
    });
}

function stop(): void {
  tapping?.abort();
  tapping = undefined;
  byId('tap-toggle').textContent = 'Start';
  status('idle', 'stopped');
}

/** Wires the panel's controls; nothing is tapped until the user starts it. */
export function startTapPanel(): void {
  byId('tap-toggle').addEventListener('click', () => (tapping ? stop() : start()));
  byId('tap-form').addEventListener('submit', (e) => {
    e.preventDefault();
    if (tapping) stop();
    start();
  });
}
