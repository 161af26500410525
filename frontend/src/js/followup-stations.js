/* The station table (seed 004, GET /api/followup/stations/?from=&to=&region=): per station its
   response times (call answered → first unit on scene) as mean, median and 90th percentile per
   priority in minutes:seconds, its active and standby time in hours and its utilisation; its
   units behind a disclosure with the same figures, and a chart of each unit's active and
   standby time. */

import { api, el, t } from './common.js';
import { activeStandbyChart } from './followup-chart.js';
import { exportUrl, fill, hours, integer, minSec, share } from './followup-format.js';

const $ = (id) => document.getElementById(id);
const body = $('stations-body');
let controller = null;

function query() {
  const q = { from: $('stations-from').value, to: $('stations-to').value };
  if ($('stations-region').value) q.region = $('stations-region').value;
  return q;
}

export async function loadStations() {
  const q = query();
  $('stations-csv').href = exportUrl('/api/followup/stations/', q, 'csv');
  $('stations-xlsx').href = exportUrl('/api/followup/stations/', q, 'xlsx');
  controller?.abort();
  controller = new AbortController();
  body.setAttribute('aria-busy', 'true');
  try {
    const table = await api(`/api/followup/stations/?${new URLSearchParams(q)}`, { signal: controller.signal });
    render(table);
  } catch (err) {
    if (err?.name === 'AbortError') return;
    fill(body, el('p', { class: 'alert alert-error', role: 'alert' }, err.detail));
  }
  body.setAttribute('aria-busy', 'false');
}

const priorityName = (p) => (p === 'all' ? t('followup.stations.all') : p);

function responseTable(response, priorities, caption) {
  return el('table', { class: 'fu-table fu-response' },
    el('caption', {}, caption),
    el('thead', {}, el('tr', {},
      el('th', { scope: 'col' }, t('followup.stations.priority')),
      ['count', 'mean', 'median', 'p90'].map((c) => el('th', { scope: 'col', class: 'num' }, t(`followup.stations.col.${c}`))))),
    el('tbody', {}, ['all', ...priorities].map((p) => {
      const f = response?.[p] || {};
      return el('tr', { dataset: { priority: p } },
        el('th', { scope: 'row' }, priorityName(p)),
        el('td', { class: 'num' }, integer(f.count ?? 0)),
        el('td', { class: 'num' }, minSec(f.mean)),
        el('td', { class: 'num' }, minSec(f.median)),
        el('td', { class: 'num' }, minSec(f.p90)));
    })));
}

function time(s) {
  return el('p', { class: 'fu-time' },
    t('followup.stations.time_line', { active: hours(s.active_s), standby: hours(s.standby_s), share: share(s.utilisation) }));
}

function unitsTable(units) {
  return el('div', { class: 'fu-scroll', tabindex: '0', role: 'region', 'aria-label': t('followup.stations.units_table') },
    el('table', { class: 'fu-table fu-units' },
      el('thead', {}, el('tr', {},
        ['unit', 'assignments', 'mean', 'median', 'p90', 'active', 'standby', 'utilisation']
          .map((c) => el('th', { scope: 'col', class: c === 'unit' ? null : 'num' }, t(`followup.stations.col.${c}`))))),
      el('tbody', {}, units.map((u) => el('tr', { dataset: { unit: u.id } },
        el('th', { scope: 'row' }, u.call_sign),
        el('td', { class: 'num' }, integer(u.assignments)),
        el('td', { class: 'num' }, minSec(u.response?.all?.mean)),
        el('td', { class: 'num' }, minSec(u.response?.all?.median)),
        el('td', { class: 'num' }, minSec(u.response?.all?.p90)),
        el('td', { class: 'num' }, hours(u.active_s)),
        el('td', { class: 'num' }, hours(u.standby_s)),
        el('td', { class: 'num' }, share(u.utilisation)))))));
}

function station(s, priorities) {
  const units = s.unit_rows || [];
  return el('section', { class: 'fu-station', 'aria-labelledby': `station-${s.id}`, dataset: { station: s.id } },
    el('h3', { id: `station-${s.id}` }, s.name, el('span', { class: 'fu-station-region' }, ` · ${s.region_name}`)),
    el('p', { class: 'fu-station-sums' }, t('followup.stations.sums', { units: s.units, assignments: integer(s.assignments) })),
    el('div', { class: 'fu-station-grid' },
      el('div', {}, responseTable(s.response, priorities, t('followup.stations.response')), time(s)),
      activeStandbyChart({
        title: t('followup.stations.chart_title', { station: s.name }),
        rows: units.map((u) => ({ name: u.call_sign, active: u.active_s, standby: u.standby_s })),
        format: hours,
      })),
    units.length ? el('details', { class: 'fu-units-details' },
      el('summary', {}, t('followup.stations.units', { n: units.length })),
      unitsTable(units)) : null);
}

function render(table) {
  const stations = table.stations || [];
  if (table.no_data || !stations.length) {
    fill(body, el('p', { class: 'fu-none' }, t('followup.stations.none')));
    return;
  }
  fill(body, ...stations.map((s) => station(s, table.priorities || [])));
}

export function setupStations() {
  $('stations-form').addEventListener('submit', (e) => {
    e.preventDefault();
    if ($('stations-form').reportValidity()) loadStations();
  });
  $('stations-region').addEventListener('change', () => loadStations());
}
