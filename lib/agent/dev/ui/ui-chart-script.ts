/**
 * Browser code: line charts drawn as inline SVG (no chart library, so nothing to fetch).
 * Written without template literals, since it lives inside one.
 */
export const UI_CHART_SCRIPT = `
var SVG_NS = 'http://www.w3.org/2000/svg';

function svgEl(name, attrs, text) {
  var node = document.createElementNS(SVG_NS, name);
  for (var key in attrs) node.setAttribute(key, String(attrs[key]));
  if (text !== undefined) node.textContent = text;
  return node;
}

function niceCeiling(value) {
  if (!(value > 0)) return 1;
  var power = Math.pow(10, Math.floor(Math.log10(value)));
  var steps = [1, 2, 2.5, 5, 10];
  for (var i = 0; i < steps.length; i++) if (steps[i] * power >= value) return steps[i] * power;
  return 10 * power;
}

function clockTime(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** series: [{ key, label, color, value(point) -> number (negative = unknown) }] */
function drawChart(card, points, series, format) {
  var svg = card.querySelector('svg');
  var legend = card.querySelector('.legend');
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  legend.textContent = '';
  var width = Math.max(200, svg.clientWidth || 600);
  var height = Math.max(100, svg.clientHeight || 150);
  svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
  var left = 54, right = 10, top = 6, bottom = 20;
  var plotW = width - left - right, plotH = height - top - bottom;
  var last = points.length ? points[points.length - 1] : null;

  series.forEach(function (s) {
    var item = document.createElement('span');
    var swatch = document.createElement('i');
    swatch.style.background = s.color;
    var value = document.createElement('b');
    var v = last ? s.value(last) : -1;
    value.textContent = v >= 0 ? format(v) : '–';
    item.append(swatch, s.label + ' ', value);
    legend.append(item);
  });

  if (points.length === 0) {
    svg.append(svgEl('text', { x: left + plotW / 2, y: top + plotH / 2, 'text-anchor': 'middle', class: 'nodata' }, 'waiting for metrics…'));
    svg.setAttribute('data-points', '0');
    return;
  }
  var t0 = points[0].timestamp, t1 = last.timestamp;
  if (t1 <= t0) { t0 -= 30000; t1 += 30000; }
  var max = 0;
  points.forEach(function (p) { series.forEach(function (s) { var v = s.value(p); if (v > max) max = v; }); });
  max = niceCeiling(max);
  for (var i = 0; i <= 4; i++) {
    var y = top + (plotH * i) / 4;
    svg.append(svgEl('line', { x1: left, x2: width - right, y1: y, y2: y, class: 'grid-line' }));
    svg.append(svgEl('text', { x: left - 6, y: y + 3, 'text-anchor': 'end' }, format((max * (4 - i)) / 4)));
  }
  svg.append(svgEl('text', { x: left, y: height - 4, 'text-anchor': 'start' }, clockTime(t0)));
  svg.append(svgEl('text', { x: width - right, y: height - 4, 'text-anchor': 'end' }, clockTime(t1)));

  var xOf = function (t) { return left + ((t - t0) / (t1 - t0)) * plotW; };
  var yOf = function (v) { return top + plotH - (v / max) * plotH; };
  var drawn = 0;
  series.forEach(function (s) {
    var coords = [];
    points.forEach(function (p) {
      var v = s.value(p);
      if (v >= 0) coords.push(xOf(p.timestamp).toFixed(1) + ',' + yOf(v).toFixed(1));
    });
    if (coords.length === 0) return;
    drawn += coords.length;
    svg.append(svgEl('polyline', { points: coords.join(' '), class: 'series', stroke: s.color, 'data-series': s.key, 'data-count': coords.length }));
    var end = coords[coords.length - 1].split(',');
    svg.append(svgEl('circle', { cx: end[0], cy: end[1], r: 2.5, fill: s.color }));
  });
  svg.setAttribute('data-points', String(drawn));
}
`;
