/**
 * Browser code of the dashboard: how it writes numbers (counts with separators, rates, durations
 * from microseconds to seconds, percentages, uptime).
 */
export const FORMAT_SCRIPT = String.raw`
function fmtInt(n) { return Math.round(n).toLocaleString('en-US'); }
function fmtRate(n) { return n === 0 ? '0' : n >= 100 ? fmtInt(n) : n >= 10 ? n.toFixed(1) : n.toFixed(2); }
function fmtMs(ms) {
  if (!(ms > 0)) return '0 ms';
  if (ms < 1) return (ms * 1000).toFixed(0) + ' µs';
  if (ms < 10) return ms.toFixed(2) + ' ms';
  if (ms < 1000) return ms.toFixed(1) + ' ms';
  return (ms / 1000).toFixed(2) + ' s';
}
function fmtPct(x) { return x === 0 ? '0%' : x < 0.001 ? '<0.1%' : (x * 100).toFixed(x < 0.1 ? 1 : 0) + '%'; }
function fmtUptime(ms) {
  var s = Math.floor(ms / 1000), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
  return (h ? h + 'h ' : '') + (h || m ? m + 'm ' : '') + (s % 60) + 's';
}
`;
