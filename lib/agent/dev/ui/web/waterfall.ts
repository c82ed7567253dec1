/**
 * A trace's span tree as a waterfall: bars placed and scaled by time, failed spans in red, and the
 * selected span's details. The tree comes from span-tree.ts (shared with `teracron-agent tail`),
 * and only the rows in view are in the page, so a trace of any size or depth renders at once.
 */
import type { FlatRecord, Span } from './api-types.js';
import { el } from './dom.js';
import { formatDuration, spanTreeRows, type TreeRow } from './span-tree.js';

const ROW_HEIGHT = 30;
const OVERSCAN = 10;
/** Indentation stops growing here; deeper rows say their depth instead. */
const MAX_INDENT_LEVELS = 24;

export class Waterfall {
  private rows: Array<TreeRow<Span>> = [];
  private start = 0;
  private total = 1;
  private rootWorkflow = '';
  private selectedId: string | null = null;
  private readonly viewport = el('div', 'wf-viewport');
  private readonly canvas = el('div', 'wf-canvas');
  private frame = 0;

  constructor(
    private readonly container: HTMLElement,
    private readonly onSelect: (span: Span) => void,
  ) {
    this.viewport.append(this.canvas);
    this.viewport.addEventListener('scroll', () => {
      if (this.frame === 0) this.frame = requestAnimationFrame(() => this.paint());
    });
  }

  /** Shows these spans; keeps the scroll position when it is the same trace again. */
  show(spans: readonly Span[], selectedId: string | null, sameTrace: boolean): Span | undefined {
    this.rows = spanTreeRows(spans);
    this.start = Infinity;
    let end = -Infinity;
    for (const s of spans) {
      this.start = Math.min(this.start, s.started_at);
      end = Math.max(end, s.started_at + s.duration_ms);
    }
    this.total = Math.max(end - this.start, 0.001);
    this.rootWorkflow = this.rows[0]?.span.workflow ?? '';
    const selected = this.rows.find((r) => r.span.span_id === selectedId)?.span ?? this.rows[0]?.span;
    this.selectedId = selected?.span_id ?? null;
    this.container.replaceChildren(this.scale(), this.viewport);
    this.container.dataset.rows = String(this.rows.length);
    this.canvas.style.height = `${this.rows.length * ROW_HEIGHT}px`;
    if (!sameTrace) this.viewport.scrollTop = 0;
    this.paint();
    return selected;
  }

  private scale(): HTMLElement {
    const scale = el('div', 'wf-scale');
    scale.append(el('div', 'wf-label muted', 'Span'));
    const ticks = el('div', 'wf-track ticks');
    for (const f of [0, 0.25, 0.5, 0.75, 1]) {
      const tick = el('span', '', formatDuration(this.total * f));
      tick.style.left = `${f * 100}%`;
      ticks.append(tick);
    }
    scale.append(ticks);
    return scale;
  }

  private paint(): void {
    this.frame = 0;
    const height = this.viewport.clientHeight || ROW_HEIGHT * 20;
    const first = Math.max(0, Math.floor(this.viewport.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((this.viewport.scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
    const lines: HTMLElement[] = [];
    for (let i = first; i < last; i++) lines.push(this.line(this.rows[i]!, i));
    this.canvas.replaceChildren(...lines);
  }

  private line(row: TreeRow<Span>, index: number): HTMLElement {
    const s = row.span;
    const line = el('div', `wf-row${s.status === 'failed' ? ' failed' : ''}${s.span_id === this.selectedId ? ' selected' : ''}`);
    line.style.top = `${index * ROW_HEIGHT}px`;
    line.dataset.spanId = s.span_id;
    line.dataset.depth = String(row.depth);
    line.dataset.durationMs = String(s.duration_ms);
    const label = el('div', 'wf-label');
    label.style.paddingLeft = `${10 + Math.min(row.depth, MAX_INDENT_LEVELS) * 16}px`;
    if (row.depth > MAX_INDENT_LEVELS) label.append(el('span', 'deep', `depth ${row.depth}`));
    if (row.depth > 0) label.append(el('span', 'twig', '└ '));
    label.append(el('span', 'op', s.operation));
    if (s.workflow !== this.rootWorkflow) label.append(el('span', 'wf', s.workflow));
    label.title = `${s.operation} (${s.workflow})`;
    const track = el('div', 'wf-track');
    const left = ((s.started_at - this.start) / this.total) * 100;
    const width = Math.max((s.duration_ms / this.total) * 100, 0.2);
    const bar = el('div', 'wf-bar');
    bar.style.left = `${left}%`;
    bar.style.width = `${Math.min(width, 100 - left)}%`;
    const duration = el('span', 'wf-dur', formatDuration(s.duration_ms));
    duration.style.left = `${Math.min(left + width, 100)}%`;
    track.append(bar, duration);
    line.append(label, track);
    line.addEventListener('click', () => {
      this.selectedId = s.span_id;
      this.paint();
      this.onSelect(s);
    });
    return line;
  }
}

function detailBox(title: string, entries: Array<[string, string, string?]>, className = ''): HTMLElement {
  const box = el('div', `box${className ? ` ${className}` : ''}`);
  box.append(el('h3', '', title));
  const list = el('dl');
  for (const [name, value, valueClass] of entries) list.append(el('dt', '', name), el('dd', valueClass ?? '', value));
  box.append(list);
  return box;
}

function recordEntries(record: FlatRecord | null | undefined): Array<[string, string]> {
  return Object.entries(record ?? {}).map(([key, v]) => [key, typeof v === 'string' ? v : JSON.stringify(v)]);
}

export function renderSpanDetail(container: HTMLElement, span: Span | undefined): void {
  container.replaceChildren();
  if (!span) return;
  container.append(
    detailBox('Span', [
      ['operation', span.operation],
      ['workflow', span.workflow],
      ['status', span.status, span.status === 'failed' ? 'error' : ''],
      ['started', new Date(span.started_at).toLocaleString()],
      ['duration', formatDuration(span.duration_ms)],
      ['span id', span.span_id, 'mono'],
      ['parent', span.parent_span_id ?? '(root)', 'mono'],
    ]),
  );
  if (span.error_type || span.error_message) {
    container.append(detailBox('Error', [['type', span.error_type ?? 'Error', 'error'], ['message', span.error_message ?? '', 'error']]));
  }
  const metadata = recordEntries(span.metadata);
  container.append(detailBox('Metadata', metadata.length ? metadata : [['', 'none', 'muted']], 'metadata'));
  const params = recordEntries(span.captured_params);
  container.append(detailBox('Captured params', params.length ? params : [['', 'none', 'muted']], 'captured'));
}
