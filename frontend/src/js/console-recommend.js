/* The selected case's recommended units, at the top of its card (GET
   /api/cases/{id}/recommendations/: dispatch/recommendations.py ranks every unit by its arrival
   from the travel time service). The first button dispatches the recommendation, the fastest
   unit that fits, in one click; the others that fit follow with their time; the units that do
   not fit are listed below with why in words (not manned, out of service, busy, lacking what
   the case needs). Sending one of those asks for the reason, which the assignment keeps.

   The ranking is fetched again when the case is selected, when a unit changes (status, crew,
   service; a few at a time), when the case changes, and after a dispatch. */

import { ACTIVE, api, el, kindLabel, notify, place, statusLabel, t } from './common.js';
import { fetchCase, scheduleRender, state, upsertAssignment } from './console-state.js';

const SHOWN = 5; // units of each list shown before "show all"
const ranking = new Map(); // case id -> {rows, failed}
const inFlight = new Map(); // case id -> 'once' | 'again'
let block = null; // {caseId, node, sig}
let expanded = null; // case id whose lists are shown in full
let override = null; // {caseId, units: [{id, call_sign}], detail}
let refreshTimer = null;

/** The ranking of a case, asked again if asked while on its way. */
export async function loadRecommendations(caseId) {
  if (inFlight.has(caseId)) {
    inFlight.set(caseId, 'again');
    return;
  }
  try {
    do {
      inFlight.set(caseId, 'once');
      try {
        ranking.set(caseId, { rows: await api(`/api/cases/${caseId}/recommendations/`) });
      } catch (err) {
        ranking.set(caseId, { rows: ranking.get(caseId)?.rows || null, failed: err.detail });
      }
    } while (inFlight.get(caseId) === 'again');
  } finally {
    inFlight.delete(caseId);
  }
  scheduleRender();
}

/** A unit or the case changed: the selected case's ranking again, once for a burst. */
export function recommendationsStale() {
  const caseId = state.selectedCase;
  if (caseId == null) return;
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => loadRecommendations(caseId), 400);
}

/** Dispatch units to a case; `reason` for those that do not fit. A refusal naming units that
    do not fit opens the reason's field for them. */
export async function dispatchUnits(caseId, unitIds, reason = '') {
  const body = { units: unitIds };
  if (reason) body.override_reason = reason;
  try {
    const created = await api(`/api/cases/${caseId}/dispatch/`, { method: 'POST', body });
    for (const a of created) upsertAssignment(caseId, a);
    for (const id of unitIds) state.selectedUnits.delete(id);
    // The answer is the crew's card; the case (its assignments) shows the reason given.
    if (reason) fetchCase(caseId);
    override = null;
    const ref = state.cases.get(caseId)?.reference || caseId;
    notify(t('console.dispatched', { units: created.map((a) => a.unit_call_sign).join(', '), ref }), 'ok');
    loadRecommendations(caseId);
    return true;
  } catch (err) {
    if (err.status === 400 && Array.isArray(err.body?.units)) {
      askReason(caseId, unitIds, err.body.units, err.detail);
    } else {
      notify(err.detail, 'error');
      loadRecommendations(caseId);
    }
    return false;
  }
}

function askReason(caseId, unitIds, units, detail) {
  override = { caseId, unitIds, units, detail };
  if (block) block.sig = null;
  scheduleRender();
  requestAnimationFrame(() => document.getElementById('override-reason')?.focus());
}

const minutes = (s) => Math.max(1, Math.round(s / 60));

function eta(row) {
  if (row.eta_s == null) return el('span', { class: 'rec-eta is-unknown' }, t('console.recommend.no_position'));
  return el('span', { class: 'rec-eta' },
    t('console.recommend.minutes', { n: minutes(row.eta_s) }),
    row.backend === 'estimate' ? el('span', { class: 'rec-estimated' }, ` (${t('console.recommend.estimated')})`) : null);
}

function unitLine(c, row) {
  const fits = row.selectable;
  const label = t(fits ? 'console.recommend.send' : 'console.recommend.anyway');
  const button = el('button', {
    type: 'button', class: `btn btn-small ${fits ? '' : 'btn-ghost '}rec-send`,
    dataset: { unit: row.unit },
    // The visible words first, then whom (the accessible name holds what is seen).
    'aria-label': `${label} ${row.call_sign}`,
    disabled: row.why_not.some((w) => w.code === 'busy' || w.code === 'on_this_case'),
  }, label);
  button.addEventListener('click', () => {
    if (fits) dispatchUnits(c.id, [row.unit]);
    else askReason(c.id, [row.unit], [{ id: row.unit, call_sign: row.call_sign, why_not: row.why_not }], '');
  });
  return el('li', {
    class: `rec-unit${fits ? '' : ' is-unfit'}${row.fastest ? ' is-fastest' : ''}`,
    dataset: { unit: row.unit, callSign: row.call_sign },
  },
  el('span', { class: 'rec-call' }, row.call_sign),
  el('span', { class: 'rec-kind' }, kindLabel(row.kind)),
  eta(row),
  el('span', { class: `badge st-${row.status}` }, statusLabel(row.status)),
  row.fastest ? el('span', { class: 'rec-fastest' }, t('console.recommend.fastest')) : null,
  fits ? null : el('span', { class: 'rec-why' }, row.why_not.map((w) => w.text).join('; ')),
  button);
}

function overrideForm(c) {
  if (!override || override.caseId !== c.id) return null;
  const names = override.units.map((u) => u.call_sign).join(', ');
  const input = el('input', {
    id: 'override-reason', maxlength: '200', required: true, autocomplete: 'off',
    placeholder: t('console.recommend.reason_example'),
  });
  const why = override.units.map((u) => `${u.call_sign}: ${(u.why_not || []).map((w) => w.text).join(', ')}`).join('; ');
  const send = el('button', { type: 'submit', class: 'btn btn-danger btn-small' }, t('console.recommend.confirm'));
  const cancel = el('button', { type: 'button', class: 'btn btn-ghost btn-small' }, t('console.recommend.cancel'));
  cancel.addEventListener('click', () => {
    override = null;
    if (block) block.sig = null;
    scheduleRender();
  });
  const form = el('form', { class: 'rec-override', 'aria-label': t('console.recommend.reason_for', { units: names }) },
    el('p', { class: 'rec-override-why', role: 'alert' }, why),
    el('label', { class: 'field', for: 'override-reason' },
      el('span', {}, t('console.recommend.reason_for', { units: names }))),
    input, el('span', { class: 'rec-override-actions' }, send, cancel));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const reason = input.value.trim();
    if (!reason) {
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    dispatchUnits(c.id, override.unitIds, reason);
  });
  return form;
}

function build(c) {
  const entry = ranking.get(c.id);
  const node = el('section', { class: 'recommend', id: 'recommend', 'aria-labelledby': 'recommend-title', dataset: { case: c.id } });
  node.append(el('h3', { id: 'recommend-title', class: 'rec-title' }, t('console.recommend.title')));
  if (!entry?.rows) {
    node.append(el('p', { class: 'rec-loading' }, entry?.failed || t('console.recommend.loading')));
    return node;
  }
  const fit = entry.rows.filter((r) => r.selectable);
  const unfit = entry.rows.filter((r) => !r.selectable);
  const all = expanded === c.id;
  const best = fit[0];
  if (best) {
    const go = el('button', {
      type: 'button', class: 'btn btn-primary rec-dispatch-best', id: 'recommend-dispatch',
      dataset: { unit: best.unit },
    }, t('console.recommend.dispatch_best', { unit: best.call_sign }), ' · ', eta(best));
    go.addEventListener('click', () => dispatchUnits(c.id, [best.unit]));
    node.append(go);
  } else {
    // A case with a unit on it already is not alarming: no further unit fits.
    const onIt = c.assignments.some((a) => ACTIVE.has(a.status));
    node.append(el('p', { class: `rec-none${onIt ? ' is-covered' : ''}` },
      t(onIt ? 'console.recommend.none_more' : 'console.recommend.none_fit')));
  }
  node.append(overrideForm(c) || '');
  if (fit.length) {
    node.append(el('ol', { class: 'rec-list', 'aria-label': t('console.recommend.fit') },
      (all ? fit : fit.slice(0, SHOWN)).map((r) => unitLine(c, r))));
  }
  if (unfit.length) {
    node.append(el('p', { class: 'rec-subtitle' }, t('console.recommend.unfit', { n: unfit.length })));
    node.append(el('ul', { class: 'rec-list rec-unfit', 'aria-label': t('console.recommend.unfit', { n: unfit.length }) },
      (all ? unfit : unfit.slice(0, SHOWN)).map((r) => unitLine(c, r))));
  }
  if (fit.length > SHOWN || unfit.length > SHOWN) {
    const more = el('button', { type: 'button', class: 'btn btn-ghost btn-small rec-more', 'aria-expanded': String(all) },
      all ? t('console.recommend.fewer') : t('console.recommend.all', { n: entry.rows.length }));
    more.addEventListener('click', () => {
      expanded = all ? null : c.id;
      if (block) block.sig = null;
      scheduleRender();
    });
    node.append(more);
  }
  return node;
}

/** Put the recommended units at the top of the selected case's card: under its head and the
    person's band (console-person.js), above its lines, assignments and panels. */
export function placeRecommend(c, card) {
  if (!ranking.has(c.id) && !inFlight.has(c.id)) loadRecommendations(c.id);
  const sig = JSON.stringify([c.id, ranking.get(c.id), expanded === c.id,
    override?.caseId === c.id ? override : null, document.documentElement.lang]);
  if (!block || block.caseId !== c.id || block.sig !== sig) {
    const focused = block?.node.contains(document.activeElement) ? document.activeElement : null;
    const keep = focused?.id === 'override-reason' ? focused.value : null;
    const node = build(c);
    if (block?.node.isConnected) block.node.replaceWith(node);
    block = { caseId: c.id, sig, node };
    if (keep !== null) {
      const input = node.querySelector('#override-reason');
      if (input) {
        input.value = keep;
        input.focus();
      }
    }
  }
  const anchor = card.querySelector(':scope > #person-panel') || card.querySelector(':scope > .case-head');
  const before = anchor ? anchor.nextSibling : card.firstChild;
  if (block.node.parentNode !== card || block.node.previousSibling !== anchor) place(card, block.node, before);
}

/** A case is selected: its ranking now (a stale one is shown meanwhile). */
export function recommendFor(caseId) {
  if (override && override.caseId !== caseId) override = null;
  loadRecommendations(caseId);
}
