/* The follow-up screen's measures (GET /api/followup/measures/?year=&tertial=): the seven
   measures × the three regions and the centre for a tertial, each with its value, the target
   in words and whether it was met (colour and words), the deviations flagged with their words,
   and a trend chart per measure. The manager opens a flagged deviation as a follow-up record
   ("Följ upp", POST /api/followup/deviations/); the records are listed below
   (followup-records.js). */

import { api, el, notify, t } from './common.js';
import { legend, trendChart } from './followup-chart.js';
import { loadRecords, showRecord } from './followup-records.js';
import { SETUP, day, exportUrl, fill, target, value } from './followup-format.js';
import { ownTarget, sourceKey } from './followup-notes.js';

const $ = (id) => document.getElementById(id);
const year = $('measures-year');
const tertial = $('measures-tertial');
const body = $('measures-body');

let controller = null;
let report = null;
let catalogue = null;

/** The measures as the API names them ([{measure, name, unit}]), from the report shown or
    else the current tertial's: the targets' list and form use it. */
export function measureCatalogue() {
  catalogue ??= (report ? Promise.resolve(report)
    : api(`/api/followup/measures/?${new URLSearchParams({ year: SETUP.year, tertial: SETUP.tertial })}`))
    .then((r) => r.measures.map(({ measure, name, unit }) => ({ measure, name, unit })))
    .catch((err) => { catalogue = null; throw err; });
  return catalogue;
}

const query = () => ({ year: year.value, tertial: tertial.value });

function setLinks(q) {
  $('measures-csv').href = exportUrl('/api/followup/measures/', q, 'csv');
  $('measures-xlsx').href = exportUrl('/api/followup/measures/', q, 'xlsx');
  $('measures-report').href = `/followup/report/?${new URLSearchParams(q)}`;
}

/** Load and show the tertial picked (a new pick cancels the one on its way). */
export async function loadMeasures() {
  const q = query();
  setLinks(q);
  controller?.abort();
  controller = new AbortController();
  body.setAttribute('aria-busy', 'true');
  try {
    report = await api(`/api/followup/measures/?${new URLSearchParams(q)}`, { signal: controller.signal });
  } catch (err) {
    if (err?.name === 'AbortError') return;
    report = null;
    fill(body, el('p', { class: 'alert alert-error', role: 'alert' }, err.detail));
    body.setAttribute('aria-busy', 'false');
    loadRecords(q, { unitOf });
    return;
  }
  render();
  body.setAttribute('aria-busy', 'false');
  // After the report: a record's figures are written in its measure's unit.
  loadRecords(q, { unitOf });
}

function unitOf(measure) {
  return report?.measures.find((m) => m.measure === measure)?.unit;
}

function met(r) {
  if (r.meets_target === true) return el('span', { class: 'fu-met is-met' }, `✓ ${t('followup.met')}`);
  if (r.meets_target === false) return el('span', { class: 'fu-met is-not-met' }, `✗ ${t('followup.not_met')}`);
  return null;
}

async function followUp(m, r, d, button) {
  button.disabled = true;
  try {
    const record = await api('/api/followup/deviations/', {
      method: 'POST',
      body: { measure: m.measure, region: r.region, year: report.year, tertial: report.tertial, kind: d.kind },
    });
    r.followups = [...(r.followups || []).filter((f) => f.id !== record.id), { id: record.id, kind: d.kind, closed: Boolean(record.closed_at) }];
    render();
    await loadRecords(query(), { unitOf });
    showRecord(record.id);
  } catch (err) {
    button.disabled = false;
    notify(err.detail, 'error');
  }
}

function deviation(m, r, d) {
  const record = (r.followups || []).find((f) => f.kind === d.kind);
  let action = null;
  if (record) {
    action = el('a', { href: `#record-${record.id}`, class: 'fu-record-link', onclick: (e) => { e.preventDefault(); showRecord(record.id); } },
      record.closed ? t('followup.record.closed_state') : t('followup.record.open_state'));
  } else if (SETUP.manager) {
    action = el('button', { type: 'button', class: 'btn btn-small btn-warn fu-follow' }, t('followup.follow_up'));
    action.addEventListener('click', () => followUp(m, r, d, action));
  }
  return el('div', { class: 'fu-flag', dataset: { kind: d.kind } },
    el('p', {}, el('span', { class: 'fu-flag-mark', 'aria-hidden': 'true' }, '⚑ '),
      el('strong', {}, t('followup.deviation')), ' ', d.words),
    action);
}

// Measures 1 and 2 say in words when their figure is not (only) from the calls.
function sourceNote(m, figure) {
  const key = sourceKey(m.measure, figure);
  return key ? el('small', { class: 'fu-source' }, t(`followup.source.${key}`)) : null;
}

// A region with a target of its own (the API gives each region row the target in force there).
function regionTarget(m, r) {
  const own = ownTarget(m.target, r.target);
  return own ? el('span', { class: 'fu-target fu-target-own' }, t('followup.target_own', { target: target(own, m.unit) })) : null;
}

function cell(m, r, regionId) {
  if (!r) return el('td', {}, t('followup.no_data'));
  return el('td', { class: `fu-cell${(r.deviations || []).length ? ' has-flag' : ''}`, dataset: { region: regionId, measure: m.measure } },
    el('span', { class: `fu-value${r.value == null ? ' is-empty' : ''}` }, value(r.value, m.unit)),
    r.count != null ? el('span', { class: 'fu-count' }, t('followup.count', { n: r.count })) : null,
    sourceNote(m, r),
    regionTarget(m, r),
    met(r),
    (r.deviations || []).map((d) => deviation(m, r, d)));
}

function render() {
  const regions = report.regions || [];
  const head = el('thead', {}, el('tr', {},
    el('th', { scope: 'col' }, t('followup.measure')),
    regions.map((g) => el('th', { scope: 'col' }, g.name)),
    el('th', { scope: 'col' }, t('followup.centre')),
    el('th', { scope: 'col' }, t('followup.trend'))));
  const rows = report.measures.map((m) => {
    const byRegion = new Map((m.regions || []).map((r) => [r.region, r]));
    const lines = regions.map((g) => ({
      name: g.name,
      points: (byRegion.get(g.id)?.trend || []).map((p) => ({ label: p.label, value: p.value })),
    }));
    return el('tr', { dataset: { measure: m.measure } },
      el('th', { scope: 'row', class: 'fu-measure' },
        el('span', { class: 'fu-measure-name' }, m.name),
        el('span', { class: 'fu-target' }, t('followup.target_line', { target: target(m.target, m.unit) })),
        m.target?.changed_in_period ? el('span', { class: 'fu-target-note' }, t('followup.target_changed')) : null,
        m.definition ? el('small', { class: 'fu-definition' }, m.definition) : null),
      regions.map((g) => cell(m, byRegion.get(g.id), g.id)),
      el('td', { class: 'fu-cell fu-centre' },
        el('span', { class: `fu-value${m.centre?.value == null ? ' is-empty' : ''}` }, value(m.centre?.value, m.unit)),
        m.centre?.count != null ? el('span', { class: 'fu-count' }, t('followup.count', { n: m.centre.count })) : null,
        sourceNote(m, m.centre)),
      el('td', { class: 'fu-trend' }, trendChart({
        title: t('followup.trend_title', { measure: m.name }), lines, format: (v) => value(v, m.unit),
      })));
  });
  fill(body,
    el('p', { class: 'fu-period' }, t('followup.period', { label: report.label, from: day(report.from), to: day(report.to) })),
    report.no_data ? el('p', { class: 'alert alert-warn' }, t('followup.period_no_data')) : null,
    legend(regions.map((g) => g.name)),
    el('div', { class: 'fu-scroll', tabindex: '0', role: 'region', 'aria-label': t('followup.measures_table', { label: report.label }) },
      el('table', { class: 'fu-table fu-measures' },
        el('caption', { class: 'visually-hidden' }, t('followup.measures_table', { label: report.label })),
        head, el('tbody', {}, rows))));
}

export function setupMeasures() {
  const reload = () => loadMeasures();
  year.addEventListener('change', reload);
  tertial.addEventListener('change', reload);
  $('measures-form').addEventListener('submit', (e) => { e.preventDefault(); reload(); });
}
