/** The dashboard's stylesheet: a dark, dense operations view that reads well on a wall screen. */
export const DASHBOARD_CSS = `
:root {
  --bg: #0d1117; --panel: #151b23; --panel-2: #1b232d; --border: #263241; --text: #e6edf3;
  --muted: #8b98a5; --accent: #38bdf8; --ok: #34d399; --warn: #fbbf24; --bad: #f87171; --violet: #a78bfa;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text);
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header { display: flex; align-items: center; gap: 16px; padding: 14px 24px;
  border-bottom: 1px solid var(--border); background: var(--panel); }
header h1 { margin: 0; font-size: 18px; letter-spacing: .02em; }
header h1 span { color: var(--accent); }
.pill { display: inline-flex; align-items: center; gap: 6px; padding: 2px 10px; border-radius: 999px;
  border: 1px solid var(--border); color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .06em; }
.pill::before { content: ""; width: 8px; height: 8px; border-radius: 50%; background: var(--muted); }
.pill[data-state="running"] { color: var(--ok); } .pill[data-state="running"]::before { background: var(--ok); box-shadow: 0 0 8px var(--ok); }
.pill[data-state="starting"], .pill[data-state="stopping"] { color: var(--warn); }
.pill[data-state="starting"]::before, .pill[data-state="stopping"]::before { background: var(--warn); }
.pill[data-state="stopped"], .pill[data-state="offline"] { color: var(--bad); }
.pill[data-state="stopped"]::before, .pill[data-state="offline"]::before { background: var(--bad); }
header .reload { margin-left: auto; color: var(--muted); font-size: 12px; font-family: var(--mono); }
header .reload[data-last="failure"] { color: var(--bad); }
header .reload + .meta { margin-left: 12px; }
header .meta { margin-left: auto; color: var(--muted); font-size: 12px; font-family: var(--mono); }
main { padding: 20px 24px 32px; display: grid; gap: 20px; max-width: 1400px; margin: 0 auto; }
h2 { margin: 0 0 10px; font-size: 12px; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: .08em; }
.cards { display: grid; grid-template-columns: repeat(5, minmax(140px, 1fr)); gap: 12px; }
.card { background: var(--panel); border: 1px solid var(--border); border-radius: 10px; padding: 14px 16px; }
.card .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .06em; }
.card .value { font-size: 28px; font-weight: 600; font-variant-numeric: tabular-nums; margin-top: 4px; }
.card .sub { color: var(--muted); font-size: 12px; font-family: var(--mono); margin-top: 2px; }
.card.completed .value { color: var(--ok); } .card.dropped .value { color: var(--warn); }
.card.failed .value, .card.lost .value { color: var(--bad); } .card.inflight .value { color: var(--violet); }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
.chart { background: var(--panel); border: 1px solid var(--border); border-radius: 10px; padding: 14px 16px 8px; }
.chart header { all: unset; display: flex; align-items: baseline; gap: 12px; margin-bottom: 6px; }
.chart .now { margin-left: auto; font-family: var(--mono); font-size: 13px; }
.legend { display: flex; gap: 12px; font-size: 12px; color: var(--muted); }
.legend i { display: inline-block; width: 10px; height: 3px; border-radius: 2px; margin-right: 5px; vertical-align: middle; }
svg.plot { width: 100%; height: 170px; display: block; }
svg.plot text { fill: var(--muted); font: 10px var(--mono); }
svg.plot .grid { stroke: var(--border); stroke-width: 1; }
.chain { display: flex; flex-wrap: wrap; align-items: stretch; gap: 0; }
.step { background: var(--panel); border: 1px solid var(--border); border-radius: 10px; padding: 14px 16px;
  min-width: 220px; flex: 1 1 220px; position: relative; }
.step.source { border-top: 3px solid var(--accent); } .step.domain { border-top: 3px solid var(--violet); }
.step.erroring { border-color: var(--bad); box-shadow: 0 0 0 1px var(--bad) inset; }
.arrow { display: flex; align-items: center; color: var(--muted); padding: 0 6px; font-size: 22px; }
.step .id { font-size: 16px; font-weight: 600; }
.step .plugin { color: var(--muted); font-family: var(--mono); font-size: 12px; overflow-wrap: anywhere; }
.types { margin: 8px 0 10px; font-family: var(--mono); font-size: 12px; color: var(--muted); }
.types b { color: var(--text); font-weight: 500; background: var(--panel-2); border: 1px solid var(--border);
  border-radius: 4px; padding: 1px 6px; }
.source-state { display: flex; gap: 10px; margin: -4px 0 8px; font-family: var(--mono); font-size: 12px; color: var(--muted); }
.source-state .ready[data-ready="true"] { color: var(--ok); }
.source-state .ready[data-ready="false"] { color: var(--bad); font-weight: 600; text-transform: uppercase; }
.stats { display: grid; grid-template-columns: 1fr 1fr; gap: 6px 14px; }
.stat .k { color: var(--muted); font-size: 11px; text-transform: uppercase; letter-spacing: .05em; }
.stat .v { font-family: var(--mono); font-size: 15px; font-variant-numeric: tabular-nums; }
.stat .v.bad { color: var(--bad); }
.errtypes { margin-top: 8px; font-family: var(--mono); font-size: 11px; color: var(--bad); min-height: 1em; }
table.outputs { margin-top: 8px; width: 100%; border-collapse: collapse; font-size: 11px; }
table.outputs th { color: var(--muted); font-weight: normal; text-align: right; padding: 2px 4px; }
table.outputs th:first-child, table.outputs td.name { text-align: left; }
table.outputs td.name { overflow-wrap: normal; white-space: nowrap; }
table.outputs td { font-family: var(--mono); font-variant-numeric: tabular-nums; text-align: right;
  padding: 2px 4px; border-top: 1px solid var(--border); overflow-wrap: anywhere; }
table.outputs td.bad { color: var(--bad); }
.panel { background: var(--panel); border: 1px solid var(--border); border-radius: 10px; padding: 14px 16px; }
.panel header { all: unset; display: flex; align-items: baseline; flex-wrap: wrap; gap: 12px; margin-bottom: 8px; }
.panel .count { font-family: var(--mono); color: var(--bad); }
.codes { display: flex; flex-wrap: wrap; gap: 8px; font-family: var(--mono); font-size: 12px; color: var(--muted); }
.codes .name { color: var(--bad); font-weight: 500; }
table.failures { width: 100%; border-collapse: collapse; font-size: 12px; table-layout: fixed; }
table.failures th { color: var(--muted); font-weight: normal; text-align: left; padding: 2px 6px; }
table.failures td { padding: 3px 6px; border-top: 1px solid var(--border); font-family: var(--mono);
  overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
table.failures td.f-errorType { color: var(--bad); }
table.failures td.f-payload { color: var(--muted); white-space: pre; }
table.failures th:nth-child(1) { width: 90px; } table.failures th:nth-child(2) { width: 110px; }
table.failures th:nth-child(3) { width: 200px; } table.failures th:nth-child(5) { width: 110px; }
.tap-form { display: flex; gap: 8px; align-items: center; }
.tap-form select, .tap-form input, .tap-form button { background: var(--panel-2); color: var(--text);
  border: 1px solid var(--border); border-radius: 6px; padding: 3px 8px; font: 12px var(--mono); }
.tap-form input { width: 260px; } .tap-form button { cursor: pointer; color: var(--accent); }
.panel .meta { color: var(--muted); font-size: 12px; font-family: var(--mono); }
#tap-status[data-state="error"] { color: var(--bad); }
ol.tap { list-style: none; margin: 0; padding: 0; max-height: 360px; overflow-y: auto; font: 12px/1.5 var(--mono); }
ol.tap li { display: flex; gap: 10px; padding: 2px 6px; border-top: 1px solid var(--border); white-space: nowrap; }
ol.tap .t-time, ol.tap .t-id, ol.tap .t-step { color: var(--muted); }
ol.tap .t-reason { color: var(--warn); } ol.tap .t-error { color: var(--bad); }
ol.tap .t-record { overflow: hidden; text-overflow: ellipsis; white-space: pre; }
.empty { color: var(--muted); font-size: 12px; padding: 4px 6px; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding-bottom: 16px; }
footer a { color: var(--accent); }
@media (max-width: 900px) { .cards { grid-template-columns: repeat(2, 1fr); } .charts { grid-template-columns: 1fr; } }
`;
