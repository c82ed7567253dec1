/**
 * Browser code: loads the JSON API, renders the trace list, trace view, events and charts,
 * and applies what the Server-Sent Events stream pushes. Bounded: at most MAX_POINTS metrics
 * points and MAX_EVENTS events are kept in the page.
 */
export const UI_APP_SCRIPT = `
var MAX_POINTS = 720;
var MAX_EVENTS = 100;
var TRACE_LIMIT = 50;
var state = { metrics: [], events: [], traceId: null, trace: null, spanId: null };

var MB = function (v) { return (v / 1048576).toFixed(v >= 10485760 ? 0 : 1) + ' MB'; };
var PCT = function (v) { return (v >= 10 ? Math.round(v) : v.toFixed(1)) + ' %'; };
var MS = function (v) { return (v >= 10 ? Math.round(v) : v.toFixed(1)) + ' ms'; };
var MEMORY_SERIES = [
  { key: 'rss', label: 'RSS', color: '#6366f1', value: function (p) { return p.rss; } },
  { key: 'heap_used', label: 'heap used', color: '#10b981', value: function (p) { return p.heap_used; } },
  { key: 'heap_total', label: 'heap total', color: '#93c5fd', value: function (p) { return p.heap_total; } },
  { key: 'external', label: 'external', color: '#f59e0b', value: function (p) { return p.external; } },
];
var CPU_SERIES = [{ key: 'cpu', label: 'CPU', color: '#0ea5e9', value: function (p) { return p.cpu_pct; } }];
var LAG_SERIES = [{ key: 'lag', label: 'lag', color: '#8b5cf6', value: function (p) { return p.event_loop_lag_ms; } }];

function $(id) { return document.getElementById(id); }

function getJson(url) {
  return fetch(url, { cache: 'no-store' }).then(function (res) {
    if (!res.ok) throw new Error(url + ' answered ' + res.status);
    return res.json();
  });
}

function ago(ms) {
  var s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 60) return s + ' s ago';
  if (s < 3600) return Math.floor(s / 60) + ' min ago';
  return clockTime(ms);
}

function badge(text, kind) { return el('span', 'badge ' + kind, text); }

function renderSummary(summary) {
  var project = $('project');
  project.textContent = '';
  project.append('project ', el('b', '', summary.slug), ' · ' + summary.mode);
  $('domain-hint').textContent = 'TERACRON_DOMAIN=' + summary.domain;
  var counts = $('counts');
  counts.textContent = '';
  [['traces', summary.counts.traces], ['spans', summary.counts.spans], ['events', summary.counts.events], ['samples', summary.counts.metrics]].forEach(function (c) {
    var item = el('span');
    item.dataset.count = c[0];
    item.append(el('b', '', c[1]), ' ' + c[0]);
    counts.append(item);
  });
}

var lastTraces = [];
function renderTraces(list) {
  lastTraces = list;
  var body = document.querySelector('#traces tbody');
  body.textContent = '';
  $('traces-empty').classList.toggle('hidden', list.length > 0);
  list.forEach(function (t) {
    var row = el('tr', t.status === 'failed' ? 'failed' : '');
    if (t.trace_id === state.traceId) row.classList.add('selected');
    row.dataset.traceId = t.trace_id;
    var status = el('td');
    status.append(badge(t.status, t.status));
    if (!t.complete) status.append(badge('partial', 'partial'));
    if (t.errors > 0 && t.status !== 'failed') status.append(el('span', 'muted', ' ' + t.errors + ' failed'));
    var time = el('td', 'num muted', ago(t.started_at));
    time.title = new Date(t.started_at).toLocaleString();
    row.append(el('td', 'workflow', t.workflow), el('td', 'operation', t.operation), status,
      el('td', 'num duration', formatDuration(t.duration_ms)), el('td', 'num spans', t.span_count), time);
    row.addEventListener('click', function () { location.hash = '#/trace/' + t.trace_id; });
    body.append(row);
  });
}

function renderEvents() {
  var body = document.querySelector('#events tbody');
  body.textContent = '';
  $('events-empty').classList.toggle('hidden', state.events.length > 0);
  state.events.forEach(function (e) {
    var row = el('tr');
    var details = e.error_message ? (e.error_type || 'Error') + ': ' + e.error_message
      : e.metadata ? Object.keys(e.metadata).map(function (k) { return k + '=' + e.metadata[k]; }).join(' ') : '';
    var sev = el('td');
    sev.append(badge(e.severity, e.severity));
    row.append(el('td', 'muted', clockTime(e.timestamp)), el('td', 'mono', e.type), sev, el('td', '', e.workflow), el('td', '', e.operation), el('td', e.error_message ? 'error' : 'muted', details));
    row.addEventListener('click', function () { location.hash = '#/trace/' + e.trace_id; });
    body.append(row);
  });
}

function drawCharts() {
  drawChart($('chart-memory'), state.metrics, MEMORY_SERIES, MB);
  drawChart($('chart-cpu'), state.metrics, CPU_SERIES, PCT);
  drawChart($('chart-lag'), state.metrics, LAG_SERIES, MS);
}

function renderTrace() {
  var view = $('trace-view');
  var trace = state.trace;
  if (!trace) { view.classList.add('hidden'); return; }
  view.classList.remove('hidden');
  var s = trace.summary;
  $('trace-title').textContent = s.workflow + ' · ' + s.operation;
  var meta = $('trace-meta');
  meta.textContent = '';
  meta.append(badge(s.status, s.status), el('span', '', formatDuration(s.duration_ms)), el('span', '', s.span_count + ' spans'),
    el('span', '', new Date(s.started_at).toLocaleString()), el('span', 'mono', s.trace_id));
  var selected = trace.spans.filter(function (x) { return x.span_id === state.spanId; })[0] || spanRows(trace.spans)[0].span;
  renderWaterfall($('waterfall'), trace.spans, selected.span_id, function (id) { state.spanId = id; renderTrace(); });
  renderSpanDetail($('span-detail'), selected);
}

function openTrace(id) {
  if (id !== state.traceId) state.spanId = null;
  state.traceId = id;
  return getJson('/api/traces/' + encodeURIComponent(id)).then(function (trace) {
    if (state.traceId !== id) return;
    state.trace = trace;
    renderTrace();
    document.querySelectorAll('#traces tbody tr').forEach(function (r) { r.classList.toggle('selected', r.dataset.traceId === id); });
  }).catch(function () { state.trace = null; renderTrace(); });
}

function route() {
  var match = /^#\\/trace\\/([0-9A-Za-z]+)$/.exec(location.hash);
  if (match) { openTrace(match[1]).then(function () { $('trace-view').scrollIntoView({ block: 'start', behavior: 'smooth' }); }); }
  else { state.traceId = null; state.trace = null; renderTrace(); document.querySelectorAll('#traces tbody tr.selected').forEach(function (r) { r.classList.remove('selected'); }); }
}

var refreshTimer = null;
function refreshSoon() {
  if (refreshTimer) return;
  refreshTimer = setTimeout(function () {
    refreshTimer = null;
    getJson('/api/traces?limit=' + TRACE_LIMIT).then(renderTraces).catch(function () {});
    getJson('/api/summary').then(renderSummary).catch(function () {});
    if (state.traceId) openTrace(state.traceId);
  }, 250);
}

function connect() {
  var live = $('live');
  var stream = new EventSource('/api/stream');
  stream.onopen = function () { live.dataset.state = 'live'; $('live-text').textContent = 'live'; };
  stream.onerror = function () { live.dataset.state = 'offline'; $('live-text').textContent = 'reconnecting'; };
  stream.addEventListener('spans', refreshSoon);
  stream.addEventListener('events', function (m) {
    state.events = JSON.parse(m.data).reverse().concat(state.events).slice(0, MAX_EVENTS);
    renderEvents();
    refreshSoon();
  });
  stream.addEventListener('metrics', function (m) {
    state.metrics = state.metrics.concat(JSON.parse(m.data)).slice(-MAX_POINTS);
    drawCharts();
    refreshSoon();
  });
}

document.querySelector('#trace-view .close').addEventListener('click', function (e) { e.preventDefault(); location.hash = ''; });
window.addEventListener('hashchange', route);
// Keeps the relative times ("12 s ago") true between updates.
setInterval(function () { renderTraces(lastTraces); }, 10000);
var resizeTimer = null;
window.addEventListener('resize', function () { clearTimeout(resizeTimer); resizeTimer = setTimeout(drawCharts, 150); });

Promise.all([
  getJson('/api/summary').then(renderSummary),
  getJson('/api/traces?limit=' + TRACE_LIMIT).then(renderTraces),
  getJson('/api/events?limit=' + MAX_EVENTS).then(function (list) { state.events = list; renderEvents(); }),
  getJson('/api/metrics?limit=' + MAX_POINTS).then(function (points) { state.metrics = points; drawCharts(); }),
]).catch(function (error) { console.error(error); }).then(function () {
  document.body.dataset.ready = 'true';
  route();
  connect();
});
`;
