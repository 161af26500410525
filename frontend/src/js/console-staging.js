/* The staging point (*brytpunkt*) on the console: on an assignment not yet on scene,
   "Brytpunkt" opens a small form; a click on the case map places the point (proposed about
   300 m from the address towards the unit), the reason is said in words, and "Beordra" sends
   it (POST /api/assignments/{id}/staging/). The unit then waits at the point (status "at
   staging point"); "Släpp in" lets it go in (…/staging/release/). Both reach the crew's tablet
   live; the console hears them on the dispatch stream like every assignment change. */

import { api, el, fmtTime, notify, t } from './common.js';
import { mapPickOverride, markStaging } from './console-map.js';
import { scheduleRender, state, upsertAssignment } from './console-state.js';

// A staging point is ordered or moved only before the unit is on scene (the server's rule).
const BEFORE_SCENE = new Set(['alerted', 'acknowledged', 'en_route', 'at_staging']);
const PROPOSAL_M = 300;
const M_PER_DEG = 111320;

let draft = null; // {caseId, assignment, unit, lat, lon, reason}
let sending = false;

const pending = (a) => Boolean(a.staging && !a.staging.released_at);

/** About PROPOSAL_M from the case towards the unit (north when the unit has no position). */
function proposal(c, a) {
  const unit = state.units.get(a.unit);
  const cos = Math.cos((c.latitude * Math.PI) / 180) || 1;
  let dx = 0;
  let dy = 1;
  if (unit && Number.isFinite(unit.latitude) && Number.isFinite(unit.longitude)) {
    dx = (unit.longitude - c.longitude) * cos;
    dy = unit.latitude - c.latitude;
  }
  const length = Math.hypot(dx, dy);
  if (length > 0) {
    dx /= length;
    dy /= length;
  } else {
    [dx, dy] = [0, 1];
  }
  const degrees = PROPOSAL_M / M_PER_DEG;
  return { lat: c.latitude + dy * degrees, lon: c.longitude + (dx * degrees) / cos };
}

function open(c, a) {
  const start = pending(a) ? { lat: a.staging.latitude, lon: a.staging.longitude } : proposal(c, a);
  draft = {
    caseId: c.id, assignment: a.id, unit: a.unit_call_sign, ...start,
    reason: a.staging?.reason || t('console.staging.reason_default'),
  };
  mapPickOverride((lat, lon) => {
    if (!draft) return;
    Object.assign(draft, { lat, lon });
    scheduleRender();
  });
  scheduleRender();
}

function close() {
  draft = null;
  mapPickOverride(null);
  scheduleRender();
}

async function order(c) {
  if (!draft || sending) return;
  sending = true;
  const { assignment, unit } = draft;
  try {
    const answer = await api(`/api/assignments/${assignment}/staging/`, {
      method: 'POST',
      body: { latitude: Number(draft.lat.toFixed(6)), longitude: Number(draft.lon.toFixed(6)), reason: draft.reason },
    });
    upsertAssignment(c.id, stagingBrief(answer));
    notify(t('console.staging.ordered', { unit }), 'ok');
    close();
  } catch (err) {
    notify(err.detail || String(err), 'error', { timeout: 15000 });
  } finally {
    sending = false;
  }
}

async function release(c, a) {
  try {
    const answer = await api(`/api/assignments/${a.id}/staging/release/`, { method: 'POST', body: {} });
    upsertAssignment(c.id, stagingBrief(answer));
    notify(t('console.staging.released', { unit: a.unit_call_sign }), 'ok');
  } catch (err) {
    notify(err.detail || String(err), 'error', { timeout: 15000 });
  }
}

/** The answer's fields the case list keeps (its case is an object there, an id here). */
function stagingBrief(answer) {
  const { case: _case, ...rest } = answer;
  return rest;
}

/** "Brytpunkt" on the row of assignment a, or null once the unit is on scene or let in. */
export function stagingButton(c, a) {
  if (!BEFORE_SCENE.has(a.status) || a.staging?.released_at) return null;
  const isOpen = draft?.assignment === a.id;
  const button = el('button', {
    type: 'button', class: 'btn btn-ghost btn-small staging-btn', 'aria-expanded': String(isOpen),
  }, t('console.staging.order'));
  button.addEventListener('click', () => (isOpen ? close() : open(c, a)));
  return button;
}

/** What the row says of its staging point (the reason and "Släpp in"; when it was let in), and
    the form while it is open. */
export function stagingPart(c, a) {
  const parts = [];
  const s = a.staging;
  if (s && s.released_at) {
    if (BEFORE_SCENE.has(a.status) || a.status === 'on_scene') {
      parts.push(el('span', { class: 'staging-note is-released' },
        t('console.staging.released_at', { time: fmtTime(s.released_at, true) })));
    }
  } else if (s && BEFORE_SCENE.has(a.status)) {
    const releaseBtn = el('button', { type: 'button', class: 'btn btn-primary btn-small staging-release-btn' },
      t('console.staging.release'));
    releaseBtn.addEventListener('click', () => release(c, a));
    parts.push(el('span', { class: 'staging-note', dataset: { staging: a.id } },
      a.status === 'at_staging' ? `${t('console.staging.waiting')} · ` : '',
      t('console.staging.pending', { reason: s.reason }), ' ', releaseBtn));
  }
  if (draft?.assignment === a.id && BEFORE_SCENE.has(a.status)) parts.push(form(c));
  return parts;
}

function form(c) {
  const reason = el('input', {
    type: 'text', class: 'staging-reason', maxlength: '200', value: draft.reason,
    'aria-label': t('console.staging.reason'),
  });
  reason.addEventListener('input', () => { if (draft) draft.reason = reason.value; });
  const send = el('button', { type: 'button', class: 'btn btn-primary btn-small staging-send' }, t('console.staging.send'));
  send.addEventListener('click', () => order(c));
  const cancel = el('button', { type: 'button', class: 'btn btn-ghost btn-small' }, t('console.staging.cancel'));
  cancel.addEventListener('click', close);
  return el('div', { class: 'staging-form', role: 'group', 'aria-label': t('console.staging.title', { unit: draft.unit }) },
    el('strong', {}, t('console.staging.title', { unit: draft.unit })),
    el('span', { class: 'staging-hint' }, t('console.staging.hint')),
    el('span', { class: 'staging-position', dataset: { lat: draft.lat.toFixed(6), lon: draft.lon.toFixed(6) } },
      `${draft.lat.toFixed(5)}, ${draft.lon.toFixed(5)}`),
    el('label', {}, t('console.staging.reason'), ' ', reason),
    el('span', { class: 'staging-actions' }, send, cancel));
}

/** Redraws the case list when the form opens, closes or its point moves. */
export const stagingSig = () => (draft ? `${draft.assignment}:${draft.lat},${draft.lon}` : '');

/** The map's staging points: each unit's pending one, and the one being placed. */
export function renderStagingMap() {
  const spots = [];
  for (const c of state.cases.values()) {
    for (const a of c.assignments || []) {
      if (pending(a) && BEFORE_SCENE.has(a.status) && draft?.assignment !== a.id) {
        spots.push({ key: `a${a.id}`, lat: a.staging.latitude, lon: a.staging.longitude,
          label: t('console.staging.map', { unit: a.unit_call_sign }) });
      }
    }
  }
  if (draft) {
    spots.push({ key: 'draft', lat: draft.lat, lon: draft.lon, draft: true,
      label: t('console.staging.map', { unit: draft.unit }) });
  }
  markStaging(spots);
}
