/* Threats and violence against the crews (seed 002, GET /api/safety/reports/summary/?from=&to=):
   the crews' reports of the chosen period counted per region and category, with how many were
   violence, for the work-environment follow-up; downloadable as CSV or Excel. Below, for a
   reviewer, the proposed risk notices to approve or reject (followup-notice-review.js). */

import { api, el, t } from './common.js';
import { day, exportUrl, fill, integer } from './followup-format.js';
import { loadNoticeReview, setupNoticeReview } from './followup-notice-review.js';

const $ = (id) => document.getElementById(id);
let controller = null;

function query() {
  return { from: $('safety-from').value, to: $('safety-to').value };
}

function regionTable(region, period) {
  const id = `safety-region-${region.region}`;
  return el('section', { class: 'fu-safety-region', 'aria-labelledby': id, dataset: { region: region.region_code } },
    el('h3', { id }, region.region_name),
    el('table', { class: 'fu-table fu-safety' },
      el('caption', {}, t('followup.safety.caption', { region: region.region_name, ...period })),
      el('thead', {}, el('tr', {},
        el('th', { scope: 'col' }, t('followup.safety.col.category')),
        el('th', { scope: 'col', class: 'num' }, t('followup.safety.col.reports')),
        el('th', { scope: 'col', class: 'num' }, t('followup.safety.col.violence')))),
      el('tbody', {}, region.categories.map((c) => el('tr', { dataset: { category: c.category } },
        el('th', { scope: 'row' }, c.category_label),
        el('td', { class: 'num' }, integer(c.reports)),
        el('td', { class: 'num' }, integer(c.violence))))),
      el('tfoot', {}, el('tr', {},
        el('th', { scope: 'row' }, t('followup.safety.all')),
        el('td', { class: 'num' }, integer(region.reports)),
        el('td', { class: 'num' }, integer(region.violence))))));
}

function render(body, summary) {
  const period = { from: day(summary.from), to: day(summary.to) };
  if (!summary.reports) {
    fill(body, el('p', { class: 'fu-none' }, t('followup.safety.none')));
    return;
  }
  fill(body,
    el('p', { class: 'fu-safety-total' }, t('followup.safety.total', { n: summary.reports, violence: summary.violence })),
    summary.regions.map((r) => regionTable(r, period)));
}

export async function loadSafety() {
  const body = $('safety-body');
  const q = query();
  $('safety-csv').href = exportUrl('/api/safety/reports/summary/', q, 'csv');
  $('safety-xlsx').href = exportUrl('/api/safety/reports/summary/', q, 'xlsx');
  loadNoticeReview();
  controller?.abort();
  controller = new AbortController();
  body.setAttribute('aria-busy', 'true');
  try {
    render(body, await api(`/api/safety/reports/summary/?${new URLSearchParams(q)}`, { signal: controller.signal }));
  } catch (err) {
    if (err?.name === 'AbortError') return;
    fill(body, el('p', { class: 'alert alert-error', role: 'alert' }, err.detail));
  }
  body.setAttribute('aria-busy', 'false');
}

export function setupSafety() {
  setupNoticeReview();
  $('safety-form')?.addEventListener('submit', (e) => {
    e.preventDefault();
    if ($('safety-form').reportValidity()) loadSafety();
  });
}
