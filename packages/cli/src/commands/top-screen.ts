import Table from 'cli-table3';
import {
  accountingLine,
  age,
  diskFigures,
  errorCodes,
  ms,
  rate,
  share,
  sourceText,
  uptime,
  NONE,
} from './top-format.js';
import type { Sort, StepRow, TopView } from './top-view.js';

// Borderless columns, as top draws them: the terminal's width is for the figures.
const PLAIN = {
  chars: {
    top: '',
    'top-mid': '',
    'top-left': '',
    'top-right': '',
    bottom: '',
    'bottom-mid': '',
    'bottom-left': '',
    'bottom-right': '',
    left: '',
    'left-mid': '',
    mid: '',
    'mid-mid': '',
    right: '',
    'right-mid': '',
    middle: ' ',
  },
  style: { 'padding-left': 0, 'padding-right': 1, head: [], border: [] },
};

const STEP_HEAD = [
  'STEP',
  'IN/S',
  'OUT/S',
  'HANDLED',
  'DROPPED',
  'ERRORS',
  'P50',
  'P99',
  'WAIT P50',
  'WAIT P99',
  'UTIL',
  'ERRORS BY CODE',
];
const TARGET_HEAD = ['TARGET', 'TYPE', 'FILL', 'QUEUED', 'OLDEST', 'WRITTEN', 'DEAD-LETTERED', 'DISK BUFFER'];
const RIGHT = 'right' as const;

/** What the header says besides the view: where, the order, whether the view is held. */
export interface ScreenState {
  readonly url: string;
  readonly sort: Sort;
  readonly paused: boolean;
  /** The last poll's failure, shown above the last figures it got. */
  readonly problem?: string;
}

/** One full frame of the terminal view. */
export function screen(v: TopView, steps: readonly StepRow[], s: ScreenState): string {
  const head = [
    `tapline top  ${s.url}  ${v.state}  up ${uptime(v.uptimeMs)}`,
    ...v.sources.map(sourceText),
    `sort: ${s.sort}${s.paused ? '  [paused]' : ''}`,
  ].join('  ');
  const stepTable = new Table({
    ...PLAIN,
    head: STEP_HEAD,
    colAligns: ['left', ...new Array<typeof RIGHT>(10).fill(RIGHT), 'left'],
  });
  for (const r of steps) {
    stepTable.push([
      r.id,
      rate(r.inRate),
      rate(r.outRate),
      r.handled,
      r.dropped,
      r.errors,
      ms(r.p50Ms),
      ms(r.p99Ms),
      ms(r.waitP50Ms),
      ms(r.waitP99Ms),
      share(r.utilisation),
      errorCodes(r.errorTypes),
    ]);
  }
  const parts = [head, accountingLine(v), ''];
  if (s.problem !== undefined) parts.splice(1, 0, `! ${s.problem}`);
  parts.push(stepTable.toString());
  if (v.targets.length > 0) {
    const targets = new Table({
      ...PLAIN,
      head: TARGET_HEAD,
      colAligns: ['left', 'left', ...new Array<typeof RIGHT>(5).fill(RIGHT), 'left'],
    });
    for (const t of v.targets) {
      targets.push([
        `${t.step}/${t.name}`,
        t.type,
        share(t.fill),
        `${t.queued}/${t.maxRecords}`,
        age(t.oldestAgeMs),
        t.written,
        t.deadLettered,
        diskFigures(t) ?? NONE,
      ]);
    }
    parts.push('', targets.toString());
  }
  parts.push('', 'q quit  s sort  p pause');
  return parts.join('\n');
}
