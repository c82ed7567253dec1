/**
 * A trace's spans as depth-first rows, and durations as text: shared by `teracron-agent tail`
 * (compiled for Node) and the UI (compiled for the browser), so this file imports nothing.
 * Iterative, so a trace 10 000 spans deep or a parent cycle from a broken client cannot overflow
 * the stack; a span whose parent is absent starts a tree of its own; siblings go by start time.
 */
export interface TreeSpan {
  span_id: string;
  parent_span_id: string | null;
  started_at: number;
}

export interface TreeRow<S> {
  span: S;
  depth: number;
}

export function spanTreeRows<S extends TreeSpan>(spans: readonly S[]): Array<TreeRow<S>> {
  const ids = new Set(spans.map((s) => s.span_id));
  const children = new Map<string, S[]>();
  const roots: S[] = [];
  for (const span of spans) {
    const parent = span.parent_span_id;
    if (parent !== null && parent !== span.span_id && ids.has(parent)) {
      const list = children.get(parent);
      if (list) list.push(span);
      else children.set(parent, [span]);
    } else {
      roots.push(span);
    }
  }
  const byStart = (a: S, b: S) => a.started_at - b.started_at;
  const rows: Array<TreeRow<S>> = [];
  const seen = new Set<string>();
  const walk = (start: S) => {
    const stack: Array<TreeRow<S>> = [{ span: start, depth: 0 }];
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

export function formatDuration(ms: number): string {
  if (!(ms >= 0)) return '–';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}
