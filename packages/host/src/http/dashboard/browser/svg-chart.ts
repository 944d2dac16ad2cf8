// SVG line charts of the last minutes, drawn from scratch on each update: a few hundred points,
// no library needed, so the page stands alone.

/** The longest span a chart shows: as long as the history the host keeps. */
export const CHART_SPAN_MS = 10 * 60 * 1000;

export interface Series {
  /** Aligned with the chart's times; null where there is no value. */
  readonly values: ReadonlyArray<number | null>;
  /** A CSS colour. */
  readonly color: string;
  readonly fill?: boolean;
}

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  const n = v / p;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * p;
}

export function drawChart(
  svg: Element,
  times: readonly number[],
  series: readonly Series[],
  format: (v: number) => string,
): void {
  const w = svg.clientWidth || 600;
  const h = svg.clientHeight || 170;
  const left = 56;
  const right = 10;
  const top = 8;
  const bottom = 20;
  const newest = times[times.length - 1];
  const oldest = times[0];
  const now = newest ?? Date.now();
  // Show at least a minute and at most CHART_SPAN_MS: a young pipeline's history fills the chart.
  const span = Math.min(CHART_SPAN_MS, Math.max(60000, oldest === undefined ? 0 : now - oldest));
  let max = 0;
  for (const s of series) for (const v of s.values) if (v !== null && v > max) max = v;
  max = niceMax(max * 1.1);
  const x = (t: number) => left + (w - left - right) * (1 - (now - t) / span);
  const y = (v: number) => top + (h - top - bottom) * (1 - v / max);
  const out: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const gy = y((max * i) / 4).toFixed(1);
    out.push(`<line class="grid" x1="${left}" x2="${w - right}" y1="${gy}" y2="${gy}"/>`);
    out.push(`<text x="${left - 6}" y="${Number(gy) + 3}" text-anchor="end">${format((max * i) / 4)}</text>`);
  }
  const tick = span <= 60000 ? 15000 : span <= 150000 ? 30000 : span <= 300000 ? 60000 : 120000;
  for (let ago = 0; ago <= span; ago += tick) {
    const anchor = ago === 0 ? 'end' : ago + tick > span ? 'start' : 'middle';
    const label = ago === 0 ? 'now' : ago % 60000 === 0 ? `-${ago / 60000}m` : `-${ago / 1000}s`;
    out.push(`<text x="${x(now - ago).toFixed(1)}" y="${h - 5}" text-anchor="${anchor}">${label}</text>`);
  }
  for (const s of series) {
    const pts: string[] = [];
    for (let i = 0; i < times.length; i++) {
      const v = s.values[i];
      const t = times[i]!;
      if (v === null || v === undefined || Number.isNaN(v) || now - t > span) continue;
      pts.push(`${x(t).toFixed(1)},${y(v).toFixed(1)}`);
    }
    if (pts.length < 2) continue;
    const style = `style="stroke:${s.color};fill:${s.color}"`;
    if (s.fill) {
      const base = y(0).toFixed(1);
      const first = pts[0]!.split(',')[0]!;
      const last = pts[pts.length - 1]!.split(',')[0]!;
      out.push(
        `<polygon ${style} stroke-width="0" fill-opacity="0.12" points="` +
          `${first},${base} ${pts.join(' ')} ${last},${base}"/>`,
      );
    }
    out.push(
      `<polyline ${style} fill-opacity="0" stroke-width="1.8" stroke-linejoin="round" points="${pts.join(' ')}"/>`,
    );
  }
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.innerHTML = out.join('');
}
