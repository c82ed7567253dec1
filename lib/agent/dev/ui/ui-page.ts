/**
 * The local Teracron's single page. Static markup only: the script fills it from the JSON API
 * and keeps it live over Server-Sent Events. Served by the package itself (no CDN, no fonts).
 */
export const UI_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Teracron · local</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/app.css">
</head>
<body>
<header class="top">
  <div class="brand"><span class="logo" aria-hidden="true"></span>Teracron <span class="tag">local</span></div>
  <div class="project" id="project"></div>
  <div class="counts" id="counts"></div>
  <div class="live" id="live" data-state="connecting"><span class="dot"></span><span id="live-text">connecting</span></div>
</header>
<main>
  <section class="charts">
    <div class="card chart" id="chart-memory"><div class="chart-head"><h2>Memory</h2><div class="legend"></div></div><svg class="plot" role="img" aria-label="memory over time"></svg></div>
    <div class="card chart" id="chart-cpu"><div class="chart-head"><h2>CPU</h2><div class="legend"></div></div><svg class="plot" role="img" aria-label="CPU over time"></svg></div>
    <div class="card chart" id="chart-lag"><div class="chart-head"><h2>Event-loop lag</h2><div class="legend"></div></div><svg class="plot" role="img" aria-label="event-loop lag over time"></svg></div>
  </section>
  <section class="card hidden" id="trace-view">
    <div class="section-head">
      <h2 id="trace-title">Trace</h2>
      <div class="trace-meta" id="trace-meta"></div>
      <a class="close" href="#" title="Back to the list">Close</a>
    </div>
    <div class="waterfall" id="waterfall"></div>
    <div class="span-detail" id="span-detail"></div>
  </section>
  <section class="card" id="traces-card">
    <div class="section-head"><h2>Recent traces</h2></div>
    <table class="grid" id="traces">
      <thead><tr><th>Workflow</th><th>Root operation</th><th>Status</th><th class="num">Duration</th><th class="num">Spans</th><th class="num">Time</th></tr></thead>
      <tbody></tbody>
    </table>
    <p class="empty" id="traces-empty">No traces yet. Point an SDK at this server (<code id="domain-hint"></code>) with the development key that <code>teracron-agent dev</code> printed.</p>
  </section>
  <section class="card" id="events-card">
    <div class="section-head"><h2>Workflow events</h2></div>
    <table class="grid" id="events">
      <thead><tr><th>Time</th><th>Event</th><th>Severity</th><th>Workflow</th><th>Operation</th><th>Details</th></tr></thead>
      <tbody></tbody>
    </table>
    <p class="empty" id="events-empty">No workflow events yet (they are sent when <code>traceEmitEvents</code> is on).</p>
  </section>
</main>
<script src="/assets/app.js"></script>
</body>
</html>
`;
