import { el, find, setNum } from './dom.js';
import { fmtInt } from './format.js';
import type { Step } from './metrics.js';

/** The line under a source's card that says whether it takes messages in; built with the chain. */
export function sourceState(step: Step): HTMLElement | undefined {
  if (step.ready === undefined) return undefined;
  const line = el('div', 'source-state');
  const ready = el('span', 'ready', '–');
  ready.setAttribute('data-field', 'ready');
  line.appendChild(ready);
  const redelivered = el('span', 'redelivered');
  redelivered.setAttribute('data-field', 'redelivered');
  redelivered.title = 'messages taken in that the broker had delivered before';
  line.appendChild(redelivered);
  return line;
}

/** Fills a source's line: ready or not ready, and what its broker delivered again where it can tell. */
export function renderSourceState(card: Element, step: Step): void {
  const line = card.querySelector('.source-state');
  if (line === null || step.ready === undefined) return;
  const ready = find(line, '[data-field="ready"]');
  ready.setAttribute('data-ready', String(step.ready));
  ready.textContent = step.ready ? 'ready' : 'not ready';
  const redelivered = find(line, '[data-field="redelivered"]');
  if (step.redelivered === undefined) {
    redelivered.removeAttribute('data-value');
    redelivered.textContent = '';
  } else {
    setNum(redelivered, step.redelivered, `${fmtInt(step.redelivered)} redelivered`);
  }
}
