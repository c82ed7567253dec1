/**
 * A trace's spans as indented text lines for `teracron-agent tail`: parents above children,
 * siblings by start time (the tree the UI draws too), failed spans marked with their error.
 */
import type { SpanRecord } from '../core/types';
import { formatDuration, spanTreeRows } from './dev/ui/web/span-tree';
import { escapeForTerminal as safe } from './terminal-text';

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
    lines.push(`${'  '.repeat(depth + 1)}${mark} ${safe(String(span.operation))}${other}  ${formatDuration(Number(span.duration_ms))}${error}`);
  }
  return lines;
}
