/* The crew's part of a care plan on the assignment card: what the care unit wrote for the
   ambulance crew (and until when the plan holds, and whose it is), never the dispatcher's
   instructions, which the server does not send a crew. Fetched from
   /api/assignments/{id}/care-plan/ when the assignment is first shown (the read is logged;
   only the unit on the assignment gets it), and again when the centre changes who the patient
   is (`assignment.case_changed` naming the identity number or the caller's number) or a care
   plan changes (`care_plan.changed` on the unit's stream: the plan's id only). Only in memory:
   patient data is not stored on the tablet. */

import { api, el, notify, t } from './common.js';

const $ = (id) => document.getElementById(id);
const parts = new Map(); // assignment id -> the crew part, or null when there is none
const asked = new Set();
const latest = new Map(); // assignment id -> the number of the last request (an older answer is dropped)
// The case's fields that decide whose plan the patient's is (careplans.selectors.care_plan_for_case).
const PERSON_FIELDS = ['personal_identity_number', 'caller_number'];
let hooks = { render: () => {} };
let shown = '';

/** render(): the card is drawn again (the part came). */
export function setupCarePlan(options) {
  hooks = { ...hooks, ...options };
}

/** A stream reset or a new shift: each assignment's part is asked for again. */
export function carePlanReset() {
  asked.clear();
  parts.clear();
}

async function load(assignmentId) {
  asked.add(assignmentId);
  const mine = (latest.get(assignmentId) || 0) + 1;
  latest.set(assignmentId, mine);
  try {
    const answer = await api(`/api/assignments/${assignmentId}/care-plan/`);
    if (latest.get(assignmentId) !== mine) return; // asked again meanwhile: the newer answer counts
    parts.set(assignmentId, answer.care_plan);
    hooks.render();
  } catch (err) {
    if (latest.get(assignmentId) !== mine) return;
    // Offline or a server error: asked again at the next render. A refusal (no longer this
    // unit's assignment) is not asked again.
    if (err.status === 0 || err.status >= 500) asked.delete(assignmentId);
    else if (err.status !== 403 && err.status !== 404) notify(err.detail, 'error');
  }
}

/** `assignment.case_changed` (`fields`: the names of the case's fields that changed): a new
    identity number or caller's number may be another person's plan, or none; the part shown
    stays until the new answer replaces it. */
export function carePlanCaseChanged(assignmentId, fields) {
  if (!(fields || []).some((name) => PERSON_FIELDS.includes(name))) return;
  asked.delete(assignmentId);
  if (navigator.onLine !== false) load(assignmentId);
}

/** `care_plan.changed`: a plan of a patient of this unit changed (new instructions, ended,
    moved to another person); every part is asked for again when its card is shown. */
export function carePlanChanged() {
  asked.clear();
  hooks.render();
}

function fmtDate(iso) {
  const d = new Date(`${iso}T12:00:00`);
  return Number.isNaN(d.getTime()) ? iso
    : new Intl.DateTimeFormat(document.documentElement.lang || 'sv', { dateStyle: 'medium' }).format(d);
}

/** The crew part of assignment a's care plan, when its patient has one. */
export function renderCarePlan(a) {
  if (!asked.has(a.id) && navigator.onLine !== false) load(a.id);
  const part = parts.get(a.id) || null;
  const box = $('a-careplan');
  if (!box) return;
  const sig = JSON.stringify([a.id, part, document.documentElement.lang]);
  if (sig === shown) return;
  shown = sig;
  box.hidden = !part?.crew_instructions;
  if (box.hidden) {
    box.replaceChildren();
    return;
  }
  box.replaceChildren(
    el('h3', { id: 'a-careplan-title' }, t('crew.careplan.title')),
    el('p', { class: 'a-careplan-text' }, part.crew_instructions),
    el('p', { class: 'a-careplan-valid' }, t('crew.careplan.valid', {
      start: fmtDate(part.valid_from), end: fmtDate(part.valid_to), unit: part.care_unit,
    })));
}
