/**
 * The trace list: one row per trace with its status as the request ended (a 4xx is a client error,
 * not "succeeded"), its HTTP status code, and the filters the list is fetched with.
 */
import type { TraceSummary } from './api-types.js';
import { ago, badge, byId, el } from './dom.js';
import { formatDuration } from './span-tree.js';

export interface TraceFilters {
  workflow: string;
  status: string;
  text: string;
}

export function readFilters(): TraceFilters {
  return {
    workflow: byId<HTMLSelectElement>('filter-workflow').value,
    status: byId<HTMLSelectElement>('filter-status').value,
    text: byId<HTMLInputElement>('filter-text').value.trim(),
  };
}

export function filtersQuery(filters: TraceFilters, limit: number): string {
  const query = new URLSearchParams({ limit: String(limit) });
  if (filters.workflow) query.set('workflow', filters.workflow);
  if (filters.status) query.set('status', filters.status);
  if (filters.text) query.set('q', filters.text);
  return `/api/traces?${query}`;
}

/** Keeps the workflow choices in step with what the server has seen, without losing the selection. */
export function renderWorkflowChoices(workflows: readonly string[]): void {
  const select = byId<HTMLSelectElement>('filter-workflow');
  const known = new Set([...select.options].map((o) => o.value));
  for (const workflow of workflows) {
    if (known.has(workflow)) continue;
    const option = el('option', '', workflow);
    option.value = workflow;
    select.append(option);
  }
}

function statusBadges(t: TraceSummary): HTMLElement[] {
  const badges: HTMLElement[] = [];
  if (t.status === 'failed') badges.push(badge('failed', 'failed'));
  else if (t.status_code !== null && t.status_code >= 400 && t.status_code < 500) badges.push(badge('client error', 'client-error'));
  else badges.push(badge(t.status, t.status));
  if (!t.complete) badges.push(badge('partial', 'partial'));
  if (t.errors > 0 && t.status !== 'failed') badges.push(el('span', 'muted', ` ${t.errors} failed`));
  return badges;
}

export function renderTraces(list: readonly TraceSummary[], selectedId: string | null, filtered: boolean): void {
  const body = document.querySelector<HTMLElement>('#traces tbody')!;
  byId('traces-empty').classList.toggle('hidden', list.length > 0 || filtered);
  byId('traces-none').classList.toggle('hidden', list.length > 0 || !filtered);
  body.replaceChildren(
    ...list.map((t) => {
      const clientError = t.status !== 'failed' && t.status_code !== null && t.status_code >= 400 && t.status_code < 500;
      const row = el('tr', t.status === 'failed' ? 'failed' : clientError ? 'client-error' : '');
      if (t.trace_id === selectedId) row.classList.add('selected');
      row.dataset.traceId = t.trace_id;
      const status = el('td', 'status');
      status.append(...statusBadges(t));
      const time = el('td', 'num muted', ago(t.started_at));
      time.title = new Date(t.started_at).toLocaleString();
      row.append(
        el('td', 'workflow', t.workflow),
        el('td', 'operation', t.operation),
        status,
        el('td', 'num code', t.status_code ?? ''),
        el('td', 'num duration', formatDuration(t.duration_ms)),
        el('td', 'num spans', t.span_count),
        time,
      );
      row.addEventListener('click', () => (location.hash = `#/trace/${t.trace_id}`));
      return row;
    }),
  );
}
