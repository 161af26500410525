/* The person behind a case, on the console: the care plan in force in a band at the top of the
   selected case (the dispatcher's instructions, whom to call, valid to, who wrote it, consent,
   the review date; the crew's part one click away) and the person's earlier cases of the last
   12 months folded under it (date, priority, case type, outcome). Fetched from
   /api/cases/{id}/person/ (each read logged) when a case is selected, again when its identity
   number or caller number changes or a care plan changes (care_plan.changed).

   The new-case form asks too, as the caller's number or the identity number is typed
   (a debounced /api/care-plans/ lookup): a care plan shows above the form before the case is
   registered. */

import { api, el, notify, place, t } from './common.js';
import { openCarePlanForm, setupCarePlanForm } from './console-careplan-form.js';

const people = new Map(); // case id -> {key, data, loading}
let hooks = { scheduleRender: () => {} };
let panel = null; // {caseId, sig, node}

/** scheduleRender(): the console draws again. */
export function setupPerson(options) {
  hooks = { ...hooks, ...options };
  setupCarePlanForm({ saved: () => {
    for (const entry of people.values()) entry.key = null;
    hooks.scheduleRender();
  } });
}

const keyOf = (c) => JSON.stringify([c.personal_identity_number || '', c.caller_number || '']);

function fmtDate(iso) {
  if (!iso) return '';
  const d = new Date(iso.length === 10 ? `${iso}T12:00:00` : iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(document.documentElement.lang || 'sv', { dateStyle: 'medium' }).format(d);
}

/** The person behind case c: fetched once per identity number and caller number. */
async function loadPerson(c) {
  const key = keyOf(c);
  const known = people.get(c.id);
  if (known && known.key === key) return;
  const entry = { key, data: known?.data || null, loading: true };
  people.set(c.id, entry);
  try {
    entry.data = await api(`/api/cases/${c.id}/person/`);
  } catch (err) {
    // Offline: asked again at the next redraw. A refusal is said once and not asked again.
    if (err.status === 0) people.delete(c.id);
    else {
      entry.failed = true;
      if (err.status !== 404) notify(err.detail, 'error');
    }
  } finally {
    entry.loading = false;
    hooks.scheduleRender();
  }
}

/** care_plan.changed: every person is asked for again (the plan may be anyone's). */
export function personEvent(event) {
  if (event.type !== 'care_plan.changed') return false;
  for (const entry of people.values()) entry.key = null;
  hooks.scheduleRender();
  formLookupAgain();
  return true;
}

/** The band of the selected case c, at the top of its card (after the head line). */
export function placePersonPanel(c, card) {
  loadPerson(c);
  const entry = people.get(c.id);
  const sig = JSON.stringify([c.id, entry?.data, entry?.failed, document.documentElement.lang]);
  if (!panel || panel.caseId !== c.id || panel.sig !== sig) {
    const node = buildPanel(c, entry?.data, entry?.failed);
    if (panel?.node.isConnected) panel.node.replaceWith(node);
    panel = { caseId: c.id, sig, node };
  }
  const head = card.querySelector(':scope > .case-head');
  const before = head ? head.nextSibling : card.firstChild;
  if (panel.node.parentNode !== card || panel.node.previousSibling !== head) place(card, panel.node, before);
}

function buildPanel(c, data, failed) {
  const titleId = `person-title-${c.id}`;
  const node = el('section', { id: 'person-panel', class: 'person-panel', 'aria-labelledby': titleId, hidden: Boolean(failed) });
  if (failed) return node;
  if (!data) {
    node.append(el('p', { class: 'person-loading', id: titleId }, t('console.person.loading')));
    return node;
  }
  if (data.care_plan) node.append(planBand(data.care_plan, titleId, data.matched_by));
  const write = el('button', { type: 'button', class: 'btn btn-ghost btn-small careplan-write' },
    t(data.care_plan ? 'console.person.edit' : 'console.person.write'));
  write.addEventListener('click', () => openCarePlanForm(c, data.care_plan));
  node.append(el('div', { class: 'person-row' },
    history(data.earlier_cases, data.care_plan ? null : titleId), write));
  return node;
}

/** The care plan: the instructions first and large; who, until when and consent below. */
export function planBand(plan, titleId, matchedBy) {
  const today = new Date().toISOString().slice(0, 10);
  const soon = new Date(Date.now() + 30 * 86400000).toISOString().slice(0, 10);
  const band = el('div', { class: 'careplan-band', role: 'note', 'aria-labelledby': titleId },
    el('h3', { class: 'careplan-title', id: titleId },
      el('span', { class: 'careplan-mark', 'aria-hidden': 'true' }, '♥'), ' ',
      t('console.person.plan_from', { unit: plan.care_unit })),
    el('p', { class: 'careplan-instructions' }, plan.dispatcher_instructions),
    plan.contact ? el('p', { class: 'careplan-contact' },
      el('b', {}, `${t('console.person.contact')}: `), plan.contact) : null,
    matchedBy === 'phone' ? el('p', { class: 'careplan-by-phone' }, t('console.person.by_phone')) : null,
    el('p', { class: 'careplan-meta' },
      el('b', {}, t('console.person.valid_to', { date: fmtDate(plan.valid_to) })), ' · ',
      t('console.person.author', { name: `${plan.author_name}, ${plan.care_unit}` }), ' · ',
      t('console.person.consent', {
        method: plan.consent_method_label, by: plan.consent_recorded_by,
        date: fmtDate(plan.consent_recorded_at),
      }), ' · ',
      el('span', { class: plan.review_date <= soon ? 'careplan-review is-due' : 'careplan-review' },
        t(plan.review_date <= soon || plan.review_date < today ? 'console.person.review_due' : 'console.person.review',
          { date: fmtDate(plan.review_date) }))));
  if (plan.crew_instructions) {
    band.append(el('details', { class: 'careplan-crew' },
      el('summary', {}, t('console.person.crew_part')),
      el('p', {}, plan.crew_instructions)));
  }
  return band;
}

function history(cases, titleId) {
  if (!cases.length) {
    return el('p', { class: 'person-none', id: titleId }, t('console.person.earlier_none'));
  }
  return el('details', { class: 'person-history' },
    el('summary', { id: titleId }, t('console.person.earlier', { n: cases.length })),
    el('ul', {}, cases.map((e) => el('li', { dataset: { case: e.id } },
      el('span', { class: 'person-date' }, fmtDate(e.registered_at)),
      el('span', { class: `prio-badge prio-${e.priority}` },
        e.priority === 'referral' ? t('console.person.referral') : e.priority),
      el('span', { class: 'person-type' }, e.case_type === 'other' ? e.complaint
        : `${t(`ivpa.case_type.${e.case_type}`)} · ${e.complaint}`),
      el('span', { class: `person-outcome is-${e.outcome}` }, t(`console.person.outcome.${e.outcome}`))))));
}

/* ---------- the new-case form ---------- */

const PIN = /^(\d{8}|\d{6})[-+]?\d{4}$/;
const form = { box: null, inputs: null, seq: 0, timer: null, last: '' };

/** Watch the form's caller number and identity number; show a plan above the form. */
export function setupFormLookup({ caller, pin, box }) {
  form.box = box;
  form.inputs = { caller, pin };
  const later = () => {
    clearTimeout(form.timer);
    form.timer = setTimeout(formLookup, 350);
  };
  caller.addEventListener('input', later);
  pin.addEventListener('input', later);
}

/** The form was reset (a case registered): the plan goes with it. */
export function formLookupClear() {
  clearTimeout(form.timer);
  form.seq += 1;
  form.last = '';
  form.box.replaceChildren();
}

function formLookupAgain() {
  if (!form.box) return;
  form.last = '';
  formLookup();
}

function typedPhone(text) {
  const digits = text.replace(/[^0-9+]/g, '');
  return digits.replace(/^\+/, '').length >= 8 ? text.trim() : '';
}

async function formLookup() {
  const pinText = form.inputs.pin.value.trim();
  const pin = PIN.test(pinText) ? pinText : '';
  const phone = typedPhone(form.inputs.caller.value);
  const key = JSON.stringify([pin, phone]);
  if (key === form.last) return;
  form.last = key;
  const seq = ++form.seq;
  if (!pin && !phone) {
    form.box.replaceChildren();
    return;
  }
  // By the identity number when there is one (a shared phone may be another person's).
  const query = pin ? `personal_identity_number=${encodeURIComponent(pin)}` : `phone=${encodeURIComponent(phone)}`;
  let plans = [];
  try {
    plans = await api(`/api/care-plans/?${query}`);
  } catch (err) {
    if (err.status !== 400 && err.status !== 0) notify(err.detail, 'error');
    plans = [];
  }
  if (seq !== form.seq) return;
  const plan = plans[0];
  form.box.replaceChildren(...(plan ? [
    el('p', { class: 'careplan-found' }, t(pin ? 'console.person.form_found_pin' : 'console.person.form_found')),
    planBand(plan, 'form-careplan-title', pin ? 'personal_identity_number' : 'phone'),
  ] : []));
}
