/**
 * Browser code: a trace's span tree as a waterfall (bars placed and scaled by time, failed spans
 * in red) and the selected span's details (error, metadata, captured params).
 */
export const UI_WATERFALL_SCRIPT = `
function formatDuration(ms) {
  if (!(ms >= 0)) return '–';
  if (ms < 1) return ms.toFixed(2) + ' ms';
  if (ms < 100) return ms.toFixed(1) + ' ms';
  if (ms < 10000) return Math.round(ms) + ' ms';
  return (ms / 1000).toFixed(1) + ' s';
}

function el(tag, className, text) {
  var node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

/** Depth-first rows of the span tree; spans whose parent is absent become roots. */
function spanRows(spans) {
  var byId = {};
  spans.forEach(function (s) { byId[s.span_id] = s; });
  var children = {};
  var roots = [];
  spans.forEach(function (s) {
    var parent = s.parent_span_id;
    if (parent && parent !== s.span_id && byId[parent]) (children[parent] = children[parent] || []).push(s);
    else roots.push(s);
  });
  var byStart = function (a, b) { return a.started_at - b.started_at; };
  var rows = [];
  var seen = {};
  var visit = function (span, depth) {
    if (seen[span.span_id]) return;
    seen[span.span_id] = true;
    rows.push({ span: span, depth: depth });
    (children[span.span_id] || []).sort(byStart).forEach(function (c) { visit(c, depth + 1); });
  };
  roots.sort(byStart).forEach(function (r) { visit(r, 0); });
  spans.slice().sort(byStart).forEach(function (s) { visit(s, 0); });
  return rows;
}

function renderWaterfall(container, spans, selectedId, onSelect) {
  container.textContent = '';
  var rows = spanRows(spans);
  if (rows.length === 0) return;
  var start = Infinity, end = -Infinity;
  spans.forEach(function (s) { start = Math.min(start, s.started_at); end = Math.max(end, s.started_at + s.duration_ms); });
  var total = Math.max(end - start, 0.001);
  var rootWorkflow = rows[0].span.workflow;

  var scale = el('div', 'wf-scale');
  scale.append(el('div', 'wf-label muted', 'Span'));
  var ticks = el('div', 'wf-track ticks');
  [0, 0.25, 0.5, 0.75, 1].forEach(function (f) {
    var tick = el('span', '', formatDuration(total * f));
    tick.style.left = (f * 100) + '%';
    ticks.append(tick);
  });
  scale.append(ticks);
  container.append(scale);

  rows.forEach(function (row) {
    var s = row.span;
    var line = el('div', 'wf-row' + (s.status === 'failed' ? ' failed' : '') + (s.span_id === selectedId ? ' selected' : ''));
    line.dataset.spanId = s.span_id;
    line.dataset.depth = String(row.depth);
    line.dataset.durationMs = String(s.duration_ms);
    var label = el('div', 'wf-label');
    label.style.paddingLeft = (10 + row.depth * 16) + 'px';
    if (row.depth > 0) label.append(el('span', 'twig', '└ '));
    label.append(el('span', 'op', s.operation));
    if (s.workflow !== rootWorkflow) label.append(el('span', 'wf', s.workflow));
    label.title = s.operation + ' (' + s.workflow + ')';
    var track = el('div', 'wf-track');
    var left = ((s.started_at - start) / total) * 100;
    var width = Math.max((s.duration_ms / total) * 100, 0.2);
    var bar = el('div', 'wf-bar');
    bar.style.left = left + '%';
    bar.style.width = Math.min(width, 100 - left) + '%';
    var duration = el('span', 'wf-dur', formatDuration(s.duration_ms));
    duration.style.left = Math.min(left + width, 100) + '%';
    track.append(bar, duration);
    line.append(label, track);
    line.addEventListener('click', function () { onSelect(s.span_id); });
    container.append(line);
  });
}

function detailBox(title, entries, className) {
  var box = el('div', 'box' + (className ? ' ' + className : ''));
  box.append(el('h3', '', title));
  var list = el('dl');
  entries.forEach(function (pair) {
    list.append(el('dt', '', pair[0]), el('dd', pair[2] || '', pair[1]));
  });
  box.append(list);
  return box;
}

function recordEntries(record) {
  return Object.keys(record || {}).map(function (key) { var v = record[key]; return [key, typeof v === 'string' ? v : JSON.stringify(v)]; });
}

function renderSpanDetail(container, span) {
  container.textContent = '';
  if (!span) return;
  container.append(detailBox('Span', [
    ['operation', span.operation],
    ['workflow', span.workflow],
    ['status', span.status, span.status === 'failed' ? 'error' : ''],
    ['started', new Date(span.started_at).toLocaleString()],
    ['duration', formatDuration(span.duration_ms)],
    ['span id', span.span_id, 'mono'],
    ['parent', span.parent_span_id || '(root)', 'mono'],
  ]));
  if (span.error_type || span.error_message) {
    container.append(detailBox('Error', [['type', span.error_type || 'Error', 'error'], ['message', span.error_message || '', 'error']]));
  }
  var metadata = recordEntries(span.metadata);
  container.append(detailBox('Metadata', metadata.length ? metadata : [['', 'none', 'muted']], 'metadata'));
  var params = recordEntries(span.captured_params);
  container.append(detailBox('Captured params', params.length ? params : [['', 'none', 'muted']], 'captured'));
}
`;
