import type { SourceRow, StepRow, TargetRow, TopView } from './top-view.js';

/** What `top` shows for a figure the host does not report. */
export const NONE = '–';

export function rate(n: number | undefined): string {
  if (n === undefined) return NONE;
  return n < 10 ? n.toFixed(1) : Math.round(n).toString();
}

export function ms(n: number | undefined): string {
  if (n === undefined) return NONE;
  if (n < 1) return `${(n * 1000).toFixed(0)}µs`;
  return n < 100 ? `${n.toFixed(1)}ms` : `${Math.round(n)}ms`;
}

export function share(n: number | undefined): string {
  return n === undefined ? NONE : `${(n * 100).toFixed(n < 0.1 ? 1 : 0)}%`;
}

export function age(msAgo: number): string {
  if (msAgo === 0) return NONE;
  return msAgo < 1000 ? `${Math.round(msAgo)}ms` : `${(msAgo / 1000).toFixed(1)}s`;
}

export function uptime(msUp: number): string {
  const s = Math.floor(msUp / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => n.toString().padStart(2, '0');
  return h > 0 ? `${h}h${pad(m)}m${pad(s % 60)}s` : `${m}m${pad(s % 60)}s`;
}

export function errorCodes(types: Readonly<Record<string, number>>): string {
  const entries = Object.entries(types).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? NONE : entries.map(([code, n]) => `${code}=${n}`).join(' ');
}

/** The same line `tapline run` ends with, with what is still in flight. */
export function accountingLine(v: TopView): string {
  const a = v.accounting;
  const line =
    `accounting: received=${a.received} completed=${a.completed} dropped=${a.dropped} ` +
    `failed=${a.failed} lost=${a.lost} inFlight=${a.inFlight}`;
  return v.receivedRate === undefined ? line : `${line} (${rate(v.receivedRate)}/s in)`;
}

/** A source's state for the header: `source ingest ready`, `NOT READY` while it cannot take messages in. */
export function sourceText(s: SourceRow): string {
  const state = s.ready === undefined ? NONE : s.ready ? 'ready' : 'NOT READY';
  return `source ${s.id} ${state}` + (s.redelivered === undefined ? '' : ` (${s.redelivered} redelivered)`);
}

/** A target's disk-buffer figures, or undefined for a memory queue. */
export function diskFigures(t: TargetRow): string | undefined {
  if (t.buffer !== 'disk') return undefined;
  const bytes = (n: number | undefined) => (n === undefined ? NONE : `${n}B`);
  return (
    `buffered=${t.buffered ?? NONE} delivered=${t.delivered ?? NONE} lag=${bytes(t.lagBytes)} ` +
    `log=${bytes(t.logBytes)}`
  );
}

/** The view as plain `key=value` lines, for a pipe or a file: one block per refresh. */
export function plainLines(v: TopView, steps: readonly StepRow[]): string {
  const lines = [`state=${v.state} uptime=${uptime(v.uptimeMs)}`];
  for (const s of v.sources) {
    const ready = s.ready === undefined ? NONE : s.ready ? 'yes' : 'no';
    lines.push(`source=${s.id} ready=${ready} redelivered=${s.redelivered ?? NONE}`);
  }
  lines.push(accountingLine(v));
  for (const s of steps) {
    lines.push(
      `step=${s.id} in/s=${rate(s.inRate)} out/s=${rate(s.outRate)} handled=${s.handled} ` +
        `dropped=${s.dropped} errors=${s.errors} p50=${ms(s.p50Ms)} p99=${ms(s.p99Ms)} ` +
        `wait-p50=${ms(s.waitP50Ms)} wait-p99=${ms(s.waitP99Ms)} util=${share(s.utilisation)} ` +
        `codes=${errorCodes(s.errorTypes)}`,
    );
  }
  for (const t of v.targets) {
    const disk = diskFigures(t);
    lines.push(
      `target=${t.step}/${t.name} type=${t.type} fill=${share(t.fill)} queued=${t.queued}/${t.maxRecords} ` +
        `oldest=${age(t.oldestAgeMs)} written=${t.written} dead-lettered=${t.deadLettered}` +
        (disk === undefined ? '' : ` ${disk}`),
    );
  }
  return `${lines.join('\n')}\n\n`;
}
