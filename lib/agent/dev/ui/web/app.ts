/**
 * The local Teracron's page: loads the JSON API, renders the trace list, a trace's waterfall,
 * workflow events and the charts, and applies what the live stream pushes. Bounded: at most
 * MAX_POINTS metrics points and MAX_EVENTS events are kept in the page.
 */
import type { MetricsPoint, Summary, TraceDetail, TraceSummary, WorkflowEvent } from './api-types.js';
import { drawChart, linesByProcess, type Series } from './charts.js';
import { badge, byId, clockTime, el, getJson } from './dom.js';
import { formatDuration } from './span-tree.js';
import { filtersQuery, readFilters, renderTraces, renderWorkflowChoices } from './trace-list.js';
import { renderSpanDetail, Waterfall } from './waterfall.js';

const MAX_POINTS = 2000;
const MAX_EVENTS = 100;
const TRACE_LIMIT = 50;

const MB = (v: number) => `${(v / 1048576).toFixed(v >= 10485760 ? 0 : 1)} MB`;
const PCT = (v: number) => `${v >= 10 ? Math.round(v) : v.toFixed(1)} %`;
const MS = (v: number) => `${v >= 10 ? Math.round(v) : v.toFixed(1)} ms`;
const MEMORY_SERIES: Series[] = [
  { key: 'rss', label: 'RSS', color: '#6366f1', value: (p) => p.rss },
  { key: 'heap_used', label: 'heap used', color: '#10b981', value: (p) => p.heap_used },
  { key: 'heap_total', label: 'heap total', color: '#93c5fd', value: (p) => p.heap_total },
  { key: 'external', label: 'external', color: '#f59e0b', value: (p) => p.external },
];
const CPU_SERIES: Series[] = [{ key: 'cpu', label: 'CPU', color: '#0ea5e9', value: (p) => p.cpu_pct }];
const LAG_SERIES: Series[] = [{ key: 'lag', label: 'lag', color: '#8b5cf6', value: (p) => p.event_loop_lag_ms }];

const state = {
  metrics: [] as MetricsPoint[],
  events: [] as WorkflowEvent[],
  traces: [] as TraceSummary[],
  traceId: null as string | null,
  trace: null as TraceDetail | null,
  spanId: null as string | null,
};

const waterfall = new Waterfall(byId('waterfall'), (span) => {
  state.spanId = span.span_id;
  renderSpanDetail(byId('span-detail'), span);
});

/** "≈ 37 112 requests": what the sampled traces stand for (each root counts 1 / its sample_rate). */
function requestEstimateItem(summary: Summary): HTMLElement {
  const item = el('span');
  item.dataset.count = 'requests';
  item.title = 'Estimated from sampled traces: each root counts 1 / metadata.sample_rate';
  item.append('≈ ', el('b', '', summary.requests_estimate), ' requests');
  return item;
}

function renderSummary(summary: Summary): void {
  const project = byId('project');
  project.replaceChildren('project ', el('b', '', summary.slug), ` · ${summary.mode}`);
  byId('domain-hint').textContent = `TERACRON_DOMAIN=${summary.domain}`;
  const counts = byId('counts');
  const items = [['traces', summary.counts.traces], ['spans', summary.counts.spans], ['events', summary.counts.events], ['samples', summary.counts.metrics]] as const;
  counts.replaceChildren(
    ...items.map(([name, value]) => {
      const item = el('span');
      item.dataset.count = name;
      item.append(el('b', '', value), ` ${name}`);
      return item;
    }),
    requestEstimateItem(summary),
  );
  renderWorkflowChoices(summary.workflows);
}

function showTraces(list: TraceSummary[]): void {
  state.traces = list;
  const filters = readFilters();
  renderTraces(list, state.traceId, filters.workflow !== '' || filters.status !== '' || filters.text !== '');
}

function loadTraces(): Promise<void> {
  const url = filtersQuery(readFilters(), TRACE_LIMIT);
  return getJson<TraceSummary[]>(url).then((list) => {
    // A slower answer to an older filter must not overwrite a newer one.
    if (url === filtersQuery(readFilters(), TRACE_LIMIT)) showTraces(list);
  });
}

function renderEvents(): void {
  const body = document.querySelector<HTMLElement>('#events tbody')!;
  byId('events-empty').classList.toggle('hidden', state.events.length > 0);
  body.replaceChildren(
    ...state.events.map((e) => {
      const row = el('tr');
      const details = e.error_message
        ? `${e.error_type ?? 'Error'}: ${e.error_message}`
        : e.metadata
          ? Object.entries(e.metadata).map(([k, v]) => `${k}=${v}`).join(' ')
          : '';
      const severity = el('td');
      severity.append(badge(e.severity, e.severity));
      row.append(el('td', 'muted', clockTime(e.timestamp)), el('td', 'mono', e.type), severity, el('td', '', e.workflow), el('td', '', e.operation), el('td', e.error_message ? 'error' : 'muted', details));
      row.addEventListener('click', () => (location.hash = `#/trace/${e.trace_id}`));
      return row;
    }),
  );
}

function drawCharts(): void {
  const lines = linesByProcess(state.metrics);
  drawChart(byId('chart-memory'), lines, MEMORY_SERIES, MB);
  drawChart(byId('chart-cpu'), lines, CPU_SERIES, PCT);
  drawChart(byId('chart-lag'), lines, LAG_SERIES, MS);
}

function renderTrace(sameTrace: boolean): void {
  const view = byId('trace-view');
  const trace = state.trace;
  if (!trace) {
    view.classList.add('hidden');
    return;
  }
  view.classList.remove('hidden');
  const s = trace.summary;
  byId('trace-title').textContent = `${s.workflow} · ${s.operation}`;
  const code = s.status_code === null ? [] : [el('span', 'code', `HTTP ${s.status_code}`)];
  byId('trace-meta').replaceChildren(badge(s.status, s.status), ...code, el('span', '', formatDuration(s.duration_ms)), el('span', '', `${s.span_count} spans`), el('span', '', new Date(s.started_at).toLocaleString()), el('span', 'mono', s.trace_id));
  const selected = waterfall.show(trace.spans, state.spanId, sameTrace);
  renderSpanDetail(byId('span-detail'), selected);
}

async function openTrace(id: string): Promise<void> {
  const sameTrace = id === state.traceId;
  if (!sameTrace) state.spanId = null;
  state.traceId = id;
  try {
    const trace = await getJson<TraceDetail>(`/api/traces/${encodeURIComponent(id)}`);
    if (state.traceId !== id) return;
    state.trace = trace;
    renderTrace(sameTrace && state.trace !== null);
  } catch {
    state.trace = null;
    renderTrace(false);
  }
  document.querySelectorAll<HTMLElement>('#traces tbody tr').forEach((r) => r.classList.toggle('selected', r.dataset.traceId === id));
}

function route(): void {
  const match = /^#\/trace\/([0-9A-Za-z]+)$/.exec(location.hash);
  if (match) {
    void openTrace(match[1]!).then(() => byId('trace-view').scrollIntoView({ block: 'start', behavior: 'smooth' }));
    return;
  }
  state.traceId = null;
  state.trace = null;
  renderTrace(false);
  document.querySelectorAll('#traces tbody tr.selected').forEach((r) => r.classList.remove('selected'));
}

let refreshTimer: number | undefined;
function refreshSoon(): void {
  if (refreshTimer !== undefined) return;
  refreshTimer = window.setTimeout(() => {
    refreshTimer = undefined;
    loadTraces().catch(() => undefined);
    getJson<Summary>('/api/summary').then(renderSummary).catch(() => undefined);
    if (state.traceId) void openTrace(state.traceId);
  }, 250);
}

function connect(): void {
  const live = byId('live');
  const stream = new EventSource('/api/stream');
  stream.onopen = () => {
    live.dataset.state = 'live';
    byId('live-text').textContent = 'live';
  };
  stream.onerror = () => {
    live.dataset.state = 'offline';
    byId('live-text').textContent = 'reconnecting';
  };
  stream.addEventListener('spans', refreshSoon);
  stream.addEventListener('events', (m) => {
    state.events = (JSON.parse(m.data) as WorkflowEvent[]).reverse().concat(state.events).slice(0, MAX_EVENTS);
    renderEvents();
    refreshSoon();
  });
  stream.addEventListener('metrics', (m) => {
    state.metrics = state.metrics.concat(JSON.parse(m.data) as MetricsPoint[]).slice(-MAX_POINTS);
    drawCharts();
    refreshSoon();
  });
}

let filterTimer: number | undefined;
function onFilterChange(): void {
  window.clearTimeout(filterTimer);
  filterTimer = window.setTimeout(() => void loadTraces().catch(() => undefined), 150);
}

byId('filters').addEventListener('submit', (e) => e.preventDefault());
byId('filter-workflow').addEventListener('change', onFilterChange);
byId('filter-status').addEventListener('change', onFilterChange);
byId('filter-text').addEventListener('input', onFilterChange);
document.querySelector('#trace-view .close')!.addEventListener('click', (e) => {
  e.preventDefault();
  location.hash = '';
});
window.addEventListener('hashchange', route);
// Keeps the relative times ("12 s ago") true between updates.
window.setInterval(() => showTraces(state.traces), 10_000);
let resizeTimer: number | undefined;
window.addEventListener('resize', () => {
  window.clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(drawCharts, 150);
});

Promise.all([
  getJson<Summary>('/api/summary').then(renderSummary),
  loadTraces(),
  getJson<WorkflowEvent[]>(`/api/events?limit=${MAX_EVENTS}`).then((list) => {
    state.events = list;
    renderEvents();
  }),
  getJson<MetricsPoint[]>(`/api/metrics?limit=${MAX_POINTS}`).then((points) => {
    state.metrics = points;
    drawCharts();
  }),
])
  .catch((error: unknown) => console.error(error))
  .then(() => {
    document.body.dataset.ready = 'true';
    route();
    connect();
  });
