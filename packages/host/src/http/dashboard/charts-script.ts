/**
 * Browser code of the dashboard's charts: SVG line charts of the last minutes, drawn from
 * scratch on each update (a few hundred points; no library needed). Plain ES2017 in a string,
 * because the page must stand alone.
 */
export const CHARTS_SCRIPT = String.raw`
var CHART_SPAN_MS = 5 * 60 * 1000;

function niceMax(v) {
  if (!(v > 0)) return 1;
  var p = Math.pow(10, Math.floor(Math.log10(v)));
  var n = v / p;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * p;
}

// series: [{ values: number[] aligned with times, color: css colour, fill: boolean }]
function drawChart(svg, times, series, format) {
  var w = svg.clientWidth || 600, h = svg.clientHeight || 170;
  var left = 56, right = 10, top = 8, bottom = 20;
  var now = times.length ? times[times.length - 1] : Date.now();
  // Show at least a minute and at most CHART_SPAN_MS: a young pipeline's history fills the chart.
  var span = Math.min(CHART_SPAN_MS, Math.max(60000, times.length ? now - times[0] : 0));
  var max = 0;
  series.forEach(function (s) { s.values.forEach(function (v) { if (v > max) max = v; }); });
  max = niceMax(max * 1.1);
  function x(t) { return left + (w - left - right) * (1 - (now - t) / span); }
  function y(v) { return top + (h - top - bottom) * (1 - v / max); }
  var out = [];
  for (var i = 0; i <= 4; i++) {
    var gv = (max * i) / 4, gy = y(gv).toFixed(1);
    out.push('<line class="grid" x1="' + left + '" x2="' + (w - right) + '" y1="' + gy + '" y2="' + gy + '"/>');
    out.push('<text x="' + (left - 6) + '" y="' + (+gy + 3) + '" text-anchor="end">' + format(gv) + '</text>');
  }
  var tick = span <= 60000 ? 15000 : span <= 150000 ? 30000 : 60000;
  for (var ago = 0; ago <= span; ago += tick) {
    var anchor = ago === 0 ? 'end' : ago + tick > span ? 'start' : 'middle';
    var label = ago === 0 ? 'now' : ago % 60000 === 0 ? '-' + ago / 60000 + 'm' : '-' + ago / 1000 + 's';
    out.push('<text x="' + x(now - ago).toFixed(1) + '" y="' + (h - 5) + '" text-anchor="' + anchor + '">' + label + '</text>');
  }
  series.forEach(function (s) {
    var pts = [];
    for (var i = 0; i < times.length; i++) {
      var v = s.values[i];
      if (v === null || v === undefined || isNaN(v) || now - times[i] > span) continue;
      pts.push(x(times[i]).toFixed(1) + ',' + y(v).toFixed(1));
    }
    if (pts.length < 2) return;
    var style = 'style="stroke:' + s.color + ';fill:' + s.color + '"';
    if (s.fill) {
      var base = y(0).toFixed(1);
      var first = pts[0].split(',')[0], last = pts[pts.length - 1].split(',')[0];
      out.push('<polygon ' + style + ' stroke-width="0" fill-opacity="0.12" points="' +
        first + ',' + base + ' ' + pts.join(' ') + ' ' + last + ',' + base + '"/>');
    }
    out.push('<polyline ' + style + ' fill-opacity="0" stroke-width="1.8" stroke-linejoin="round" points="' + pts.join(' ') + '"/>');
  });
  svg.setAttribute('viewBox', '0 0 ' + w + ' ' + h);
  svg.innerHTML = out.join('');
}
`;
