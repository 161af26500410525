/* The crew's part of a care plan on the assignment card: what the care unit wrote for the
   ambulance crew (and until when the plan holds, and whose it is), never the dispatcher's
   instructions, which the server does not send a crew. Fetched once per assignment from
   /api/assignments/{id}/care-plan/ (the read is logged; only the unit on the assignment gets
   it). Only in memory: patient data is not stored on the tablet. */

import { api, el, notify, t } from './common.js';

const $ = (id) => document.getElementById(id);
const parts = new Map(); // assignment id -> the crew part, or null when there is none
const asked = new Set();
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
  try {
    const answer = await api(`/api/assignments/${assignmentId}/care-plan/`);
    parts.set(assignmentId, answer.care_plan);
    hooks.render();
  } catch (err) {
    // Offline or a server error: asked again at the next render. A refusal (no longer this
    // unit's assignment) is not asked again.
    if (err.status === 0 || err.status >= 500) asked.delete(assignmentId);
    else if (err.status !== 403 && err.status !== 404) notify(err.detail, 'error');
  }
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
