/**
 * A trace's spans as indented text lines for `teracron-agent tail`: parents above children,
 * siblings by start time, failed spans marked with their error.
 */
import type { SpanRecord } from '../core/types';
import { escapeForTerminal as safe } from './terminal-text';

export function formatDurationText(ms: number): string {
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Depth-first order of the span tree; a span whose parent is absent starts a tree of its own. */
export function spanTreeRows(spans: readonly SpanRecord[]): Array<{ span: SpanRecord; depth: number }> {
  const ids = new Set(spans.map((s) => s.span_id));
  const children = new Map<string, SpanRecord[]>();
  const roots: SpanRecord[] = [];
  for (const span of spans) {
    const parent = span.parent_span_id;
    if (parent !== null && parent !== span.span_id && ids.has(parent)) {
      const list = children.get(parent) ?? [];
      list.push(span);
      children.set(parent, list);
    } else {
      roots.push(span);
    }
  }
  const byStart = (a: SpanRecord, b: SpanRecord) => a.started_at - b.started_at;
  const rows: Array<{ span: SpanRecord; depth: number }> = [];
  const seen = new Set<string>();
  // Iterative, so a deep or cyclic tree from a broken client cannot overflow the stack.
  const walk = (start: SpanRecord) => {
    const stack = [{ span: start, depth: 0 }];
    while (stack.length > 0) {
      const row = stack.pop()!;
      if (seen.has(row.span.span_id)) continue;
      seen.add(row.span.span_id);
      rows.push(row);
      const kids = (children.get(row.span.span_id) ?? []).sort(byStart);
      for (let i = kids.length - 1; i >= 0; i--) stack.push({ span: kids[i]!, depth: row.depth + 1 });
    }
  };
  roots.sort(byStart).forEach(walk);
  // Spans caught in a parent cycle are reachable from no root: show them rather than lose them.
  [...spans].sort(byStart).forEach((span) => seen.has(span.span_id) || walk(span));
  return rows;
}

export function formatTraceTree(traceId: string, spans: readonly SpanRecord[], continued = false): string[] {
  const rows = spanTreeRows(spans);
  const workflow = rows[0]?.span.workflow ?? '?';
  const failed = spans.filter((s) => s.status === 'failed').length;
  const head = `trace ${safe(traceId.slice(0, 12))}… ${safe(workflow)}${continued ? ' (more spans)' : ''}  ${spans.length} span${spans.length === 1 ? '' : 's'}${failed ? `, ${failed} failed` : ''}`;
  const lines = [head];
  for (const { span, depth } of rows) {
    const mark = span.status === 'failed' ? '✗' : '✓';
    const error = span.status === 'failed' ? `  ${safe(String(span.error_type ?? 'Error'))}${span.error_message ? `: ${safe(String(span.error_message))}` : ''}` : '';
    const other = span.workflow === workflow ? '' : ` [${safe(String(span.workflow))}]`;
    lines.push(`${'  '.repeat(depth + 1)}${mark} ${safe(String(span.operation))}${other}  ${formatDurationText(Number(span.duration_ms))}${error}`);
  }
  return lines;
}
