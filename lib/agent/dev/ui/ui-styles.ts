/** The local Teracron's stylesheet: system fonts only, so the page works offline. */
export const UI_CSS = `
:root {
  --bg: #f6f7f9; --card: #fff; --line: #e5e7eb; --text: #111827; --muted: #6b7280;
  --accent: #4f46e5; --ok: #059669; --fail: #dc2626; --fail-bg: #fef2f2; --bar: #6366f1;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 14px; color: var(--text); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.top { display: flex; align-items: center; gap: 20px; padding: 12px 24px; background: #111827; color: #f9fafb; position: sticky; top: 0; z-index: 2; }
.brand { font-weight: 650; font-size: 16px; display: flex; align-items: center; gap: 8px; }
.logo { width: 14px; height: 14px; background: linear-gradient(135deg, #818cf8, #34d399); transform: rotate(45deg); border-radius: 3px; }
.tag { font-size: 11px; font-weight: 500; padding: 2px 6px; border-radius: 999px; background: #374151; color: #d1d5db; }
.project { color: #d1d5db; }
.project b { color: #fff; font-weight: 600; }
.counts { margin-left: auto; color: #9ca3af; display: flex; gap: 14px; }
.counts b { color: #f9fafb; font-weight: 600; }
.live { display: flex; align-items: center; gap: 6px; color: #9ca3af; font-size: 12px; }
.live .dot { width: 8px; height: 8px; border-radius: 50%; background: #9ca3af; }
.live[data-state="live"] .dot { background: #34d399; box-shadow: 0 0 0 3px rgba(52, 211, 153, .25); }
.live[data-state="offline"] .dot { background: #f87171; }
main { padding: 20px 24px 40px; display: grid; gap: 16px; max-width: 1400px; margin: 0 auto; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; min-width: 0; }
.hidden { display: none; }
#trace-view { scroll-margin-top: 64px; }
h2 { font-size: 13px; font-weight: 600; margin: 0; text-transform: uppercase; letter-spacing: .04em; color: #374151; }
.section-head { display: flex; align-items: baseline; gap: 14px; margin-bottom: 10px; }
.section-head .close { margin-left: auto; color: var(--accent); text-decoration: none; font-size: 13px; }
.charts { display: grid; grid-template-columns: 2fr 1fr 1fr; gap: 16px; }
.chart-head { display: flex; align-items: baseline; gap: 12px; flex-wrap: wrap; }
.legend { display: flex; gap: 10px; font-size: 12px; color: var(--muted); flex-wrap: wrap; }
.legend span { display: inline-flex; align-items: center; gap: 4px; }
.legend i { width: 10px; height: 3px; border-radius: 2px; display: inline-block; }
.legend b { color: var(--text); font-weight: 600; }
svg.plot { width: 100%; height: 150px; display: block; margin-top: 8px; overflow: visible; }
svg.plot .grid-line { stroke: #eef0f3; }
svg.plot text { font-size: 10px; fill: #9ca3af; }
svg.plot .series { fill: none; stroke-width: 1.6; stroke-linejoin: round; }
svg.plot .nodata { font-size: 12px; fill: #9ca3af; }
table.grid { width: 100%; border-collapse: collapse; }
table.grid th { text-align: left; font-weight: 500; color: var(--muted); font-size: 12px; padding: 6px 8px; border-bottom: 1px solid var(--line); }
table.grid td { padding: 7px 8px; border-bottom: 1px solid #f1f2f4; vertical-align: top; }
table.grid tbody tr:last-child td { border-bottom: none; }
table.grid .num { text-align: right; font-variant-numeric: tabular-nums; }
#traces tbody tr { cursor: pointer; }
#traces tbody tr:hover, #traces tbody tr.selected { background: #eef2ff; }
tr.failed td:first-child { box-shadow: inset 3px 0 0 var(--fail); }
.badge { display: inline-block; font-size: 11px; padding: 1px 7px; border-radius: 999px; font-weight: 500; }
.badge.succeeded, .badge.info { background: #ecfdf5; color: var(--ok); }
.badge.failed, .badge.error, .badge.critical { background: var(--fail-bg); color: var(--fail); }
.badge.warning { background: #fffbeb; color: #b45309; }
.badge.partial { background: #f3f4f6; color: var(--muted); margin-left: 4px; }
.muted { color: var(--muted); }
.empty { color: var(--muted); margin: 8px 0 2px; }
.trace-meta { color: var(--muted); font-size: 12px; display: flex; gap: 12px; }
.waterfall { border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
.wf-scale { display: grid; grid-template-columns: 34% 1fr; font-size: 11px; color: var(--muted); background: #fafafa; border-bottom: 1px solid var(--line); }
.wf-scale .ticks { position: relative; height: 22px; }
.wf-scale .ticks span { position: absolute; top: 4px; transform: translateX(-50%); white-space: nowrap; }
.wf-scale .ticks span:first-child { transform: none; }
.wf-scale .ticks span:last-child { transform: translateX(-100%); }
.wf-row { display: grid; grid-template-columns: 34% 1fr; align-items: center; min-height: 30px; border-bottom: 1px solid #f3f4f6; cursor: pointer; }
.wf-row:last-child { border-bottom: none; }
.wf-row:hover { background: #f9fafb; }
.wf-row.selected { background: #eef2ff; }
.wf-row.failed .wf-label .op { color: var(--fail); }
.wf-label { padding: 4px 10px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.wf-label .op { font-weight: 500; }
.wf-label .wf { color: var(--muted); font-size: 12px; margin-left: 6px; }
.wf-label .twig { color: #d1d5db; }
.wf-track { position: relative; height: 30px; border-left: 1px solid var(--line); margin-right: 70px; }
.wf-bar { position: absolute; top: 8px; height: 14px; border-radius: 3px; background: var(--bar); min-width: 2px; }
.wf-row.failed .wf-bar { background: var(--fail); }
.wf-dur { position: absolute; top: 7px; font-size: 11px; color: #374151; white-space: nowrap; padding-left: 6px; font-variant-numeric: tabular-nums; }
.span-detail { margin-top: 12px; display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 12px; }
.span-detail .box { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
.span-detail h3 { font-size: 12px; margin: 0 0 6px; color: var(--muted); font-weight: 600; }
.span-detail dl { display: grid; grid-template-columns: max-content 1fr; gap: 3px 12px; margin: 0; }
.span-detail dt { color: var(--muted); }
.span-detail dd { margin: 0; word-break: break-all; }
.span-detail .error { color: var(--fail); }
@media (max-width: 900px) { .charts { grid-template-columns: 1fr; } .counts { display: none; } }
`;
