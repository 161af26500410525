/* The follow-up screen's small charts, drawn as SVG with svg() (common.js): a measure's trend
   over the tertials, one line per region, and a station's units as bars of active and standby
   time. Regions differ by colour and by the line's dash and marker, never by colour alone; each
   chart is an image with its figures in words (aria-label), and the table beside it holds them
   too. */

import { el, svg, t } from './common.js';

const W = 220;
const H = 90;
const PAD = { top: 8, right: 8, bottom: 18, left: 8 };
const DASH = [null, '6 3', '2 3'];
const MARK = ['circle', 'rect', 'diamond'];

function marker(kind, x, y, series) {
  const cls = `fu-mark fu-s${series}`;
  if (kind === 'rect') return svg('rect', { x: x - 3, y: y - 3, width: 6, height: 6, class: cls });
  if (kind === 'diamond') return svg('path', { d: `M${x} ${y - 4}L${x + 4} ${y}L${x} ${y + 4}L${x - 4} ${y}Z`, class: cls });
  return svg('circle', { cx: x, cy: y, r: 3, class: cls });
}

/** The trend of one measure: `lines` are [{name, points: [{label, value}]}] (oldest first, the
    tertial shown last); `format` writes a value. A gap (no data) breaks the line. */
export function trendChart({ title, lines, format }) {
  const labels = lines[0]?.points.map((p) => p.label) || [];
  const values = lines.flatMap((l) => l.points.map((p) => p.value)).filter((v) => v != null);
  const described = lines.map((l) => `${l.name}: ${l.points.map((p) => `${p.label} ${format(p.value)}`).join(', ')}`).join('; ');
  const label = `${title}. ${described}`;
  if (!values.length || labels.length < 1) {
    return el('p', { class: 'fu-chart-empty' }, t('followup.no_trend'));
  }
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi === lo) { hi += Math.abs(hi) * 0.1 || 1; lo -= Math.abs(lo) * 0.1 || 0; }
  const xs = (i) => PAD.left + (labels.length === 1 ? (W - PAD.left - PAD.right) / 2
    : (i * (W - PAD.left - PAD.right)) / (labels.length - 1));
  const ys = (v) => PAD.top + (1 - (v - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom);
  const parts = [
    svg('line', { x1: PAD.left, x2: W - PAD.right, y1: H - PAD.bottom, y2: H - PAD.bottom, class: 'fu-axis' }),
    svg('text', { x: PAD.left, y: H - 4, class: 'fu-tick' }, labels[0]),
    labels.length > 1 ? svg('text', { x: W - PAD.right, y: H - 4, class: 'fu-tick', 'text-anchor': 'end' }, labels[labels.length - 1]) : null,
  ];
  lines.forEach((line, s) => {
    let d = '';
    let pen = false;
    line.points.forEach((p, i) => {
      if (p.value == null) { pen = false; return; }
      d += `${pen ? 'L' : 'M'}${xs(i).toFixed(1)} ${ys(p.value).toFixed(1)}`;
      pen = true;
    });
    if (d) parts.push(svg('path', { d, class: `fu-line fu-s${s}`, 'stroke-dasharray': DASH[s % 3] }));
    line.points.forEach((p, i) => {
      if (p.value != null) parts.push(marker(MARK[s % 3], xs(i), ys(p.value), s));
    });
  });
  return el('figure', { class: 'fu-chart' },
    svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label, class: 'fu-svg' },
      svg('title', {}, label), parts));
}

/** The legend the trend charts share: each region's colour, dash and marker with its name. */
export function legend(names) {
  return el('ul', { class: 'fu-legend', 'aria-hidden': 'true' }, names.map((name, s) => el('li', {},
    svg('svg', { viewBox: '0 0 28 10', width: 28, height: 10, class: 'fu-svg-key' },
      svg('line', { x1: 0, x2: 28, y1: 5, y2: 5, class: `fu-line fu-s${s}`, 'stroke-dasharray': DASH[s % 3] }),
      marker(MARK[s % 3], 14, 5, s)),
    ` ${name}`)));
}

/** A station's units as horizontal bars: active time and standby time side by side in one
    bar per unit, its length the unit's whole time. */
export function activeStandbyChart({ title, rows, format }) {
  const most = Math.max(0, ...rows.map((r) => (r.active || 0) + (r.standby || 0)));
  if (!rows.length || most <= 0) return el('p', { class: 'fu-chart-empty' }, t('followup.no_trend'));
  const bar = 16;
  const gap = 8;
  const labelW = 90;
  const width = 360;
  const height = rows.length * (bar + gap) + gap;
  const scale = (s) => ((width - labelW - 8) * s) / most;
  const described = rows.map((r) => t('followup.stations.bar_words', {
    unit: r.name, active: format(r.active), standby: format(r.standby),
  })).join('; ');
  const label = `${title}. ${described}`;
  const parts = [];
  rows.forEach((r, i) => {
    const y = gap + i * (bar + gap);
    const a = scale(r.active || 0);
    const b = scale(r.standby || 0);
    parts.push(
      svg('text', { x: 0, y: y + bar - 4, class: 'fu-tick' }, r.name),
      svg('rect', { x: labelW, y, width: a.toFixed(1), height: bar, class: 'fu-bar-active' }),
      svg('rect', { x: (labelW + a).toFixed(1), y, width: b.toFixed(1), height: bar, class: 'fu-bar-standby' }),
    );
  });
  return el('figure', { class: 'fu-chart fu-chart-bars' },
    svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': label, class: 'fu-svg' },
      svg('title', {}, label), parts),
    el('figcaption', { class: 'fu-bar-key' },
      el('span', { class: 'fu-key fu-key-active' }, t('followup.stations.active')),
      el('span', { class: 'fu-key fu-key-standby' }, t('followup.stations.standby'))));
}
