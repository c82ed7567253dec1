/**
 * Line charts as inline SVG (no chart library, nothing to fetch). Every process that shares the
 * key gets its own line per metric, drawn in time order, so two apps on the dev key never zig-zag
 * into one; processes are told apart by dash pattern, metrics by colour.
 */
import type { MetricsPoint } from './api-types.js';
import { clockTime } from './dom.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const DASHES = ['', '5 3', '1.5 2.5', '8 3 2 3'];

export interface Series {
  key: string;
  label: string;
  color: string;
  /** Negative means unknown. */
  value: (point: MetricsPoint) => number;
}

export interface ProcessLine {
  process: string;
  /** Oldest first. */
  points: MetricsPoint[];
}

function svgEl(name: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const node = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = Math.pow(10, Math.floor(Math.log10(value)));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/** The points split by process (first seen first), each sorted by time. */
export function linesByProcess(points: readonly MetricsPoint[]): ProcessLine[] {
  const lines = new Map<string, MetricsPoint[]>();
  for (const point of points) {
    const key = point.process ?? 'unknown';
    const list = lines.get(key);
    if (list) list.push(point);
    else lines.set(key, [point]);
  }
  return [...lines].map(([process, list]) => ({ process, points: list.sort((a, b) => a.timestamp - b.timestamp) }));
}

export function drawChart(card: HTMLElement, lines: readonly ProcessLine[], series: readonly Series[], format: (value: number) => string): void {
  const svg = card.querySelector('svg')!;
  const legend = card.querySelector<HTMLElement>('.legend')!;
  const processes = card.querySelector<HTMLElement>('.processes')!;
  svg.replaceChildren();
  legend.replaceChildren();
  processes.replaceChildren();
  const width = Math.max(200, svg.clientWidth || 600);
  const height = Math.max(100, svg.clientHeight || 150);
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  const left = 54, right = 10, top = 6, bottom = 20;
  const plotW = width - left - right, plotH = height - top - bottom;

  // The legend shows the newest value of each metric across processes.
  let newest: MetricsPoint | undefined;
  for (const line of lines) {
    const last = line.points[line.points.length - 1];
    if (last && (!newest || last.timestamp > newest.timestamp)) newest = last;
  }
  for (const s of series) {
    const item = document.createElement('span');
    const swatch = document.createElement('i');
    swatch.style.background = s.color;
    const value = document.createElement('b');
    const v = newest ? s.value(newest) : -1;
    value.textContent = v >= 0 ? format(v) : '–';
    item.append(swatch, `${s.label} `, value);
    legend.append(item);
  }
  if (lines.length > 1) {
    lines.forEach((line, index) => {
      const item = document.createElement('span');
      item.dataset.process = line.process;
      const sample = svgEl('svg', { viewBox: '0 0 22 6' });
      sample.append(svgEl('line', { x1: 0, x2: 22, y1: 3, y2: 3, 'stroke-dasharray': DASHES[index % DASHES.length]! }));
      item.append(sample, line.process);
      processes.append(item);
    });
  }

  const all = lines.flatMap((line) => line.points);
  if (all.length === 0) {
    svg.append(svgEl('text', { x: left + plotW / 2, y: top + plotH / 2, 'text-anchor': 'middle', class: 'nodata' }, 'waiting for metrics…'));
    svg.setAttribute('data-points', '0');
    return;
  }
  let t0 = Infinity, t1 = -Infinity, max = 0;
  for (const p of all) {
    t0 = Math.min(t0, p.timestamp);
    t1 = Math.max(t1, p.timestamp);
    for (const s of series) max = Math.max(max, s.value(p));
  }
  if (t1 <= t0) {
    t0 -= 30_000;
    t1 += 30_000;
  }
  max = niceCeiling(max);
  for (let i = 0; i <= 4; i++) {
    const y = top + (plotH * i) / 4;
    svg.append(svgEl('line', { x1: left, x2: width - right, y1: y, y2: y, class: 'grid-line' }));
    svg.append(svgEl('text', { x: left - 6, y: y + 3, 'text-anchor': 'end' }, format((max * (4 - i)) / 4)));
  }
  svg.append(svgEl('text', { x: left, y: height - 4, 'text-anchor': 'start' }, clockTime(t0)));
  svg.append(svgEl('text', { x: width - right, y: height - 4, 'text-anchor': 'end' }, clockTime(t1)));

  const xOf = (t: number) => left + ((t - t0) / (t1 - t0)) * plotW;
  const yOf = (v: number) => top + plotH - (v / max) * plotH;
  let drawn = 0;
  lines.forEach((line, index) => {
    for (const s of series) {
      const coords: string[] = [];
      for (const p of line.points) {
        const v = s.value(p);
        if (v >= 0) coords.push(`${xOf(p.timestamp).toFixed(1)},${yOf(v).toFixed(1)}`);
      }
      if (coords.length === 0) continue;
      drawn += coords.length;
      svg.append(svgEl('polyline', { points: coords.join(' '), class: 'series', stroke: s.color, 'stroke-dasharray': DASHES[index % DASHES.length]!, 'data-series': s.key, 'data-process': line.process, 'data-count': coords.length }));
      const [cx, cy] = coords[coords.length - 1]!.split(',');
      svg.append(svgEl('circle', { cx: cx!, cy: cy!, r: 2.5, fill: s.color }));
    }
  });
  svg.setAttribute('data-points', String(drawn));
}
