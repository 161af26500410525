/* The crew tablet: join a unit, receive the assignment with a sound, acknowledge it, and move
   it on with one large button.

   Every device on the unit follows the `unit.<id>` stream, so all of them show the same state,
   and tells the server it saw each event (`ack`), so that no push wakes a device already
   showing it (the start-up, the stream, joining and leaving: field.js). A tap, and a position
   report, goes to the outbox (IndexedDB, see outbox.js) with an idempotency key and the time it
   was made, and is sent in order until the server answers: a dead zone delays a status, never
   loses or doubles it. The screen moves on at once; a refusal (409) is shown with its reason,
   stays listed until seen, and the state is fetched again from the server.

   Offline: the page and the non-patient API reads come from the service worker's caches, the
   current assignment from IndexedDB (larmkedjan-data), and a banner says how old it is.

   This module keeps the assignments, the outbox, the stream and the start-up; the assignment
   card is crew-assignment.js's, its map and "Navigera" crew-map.js's, the destination
   crew-destination.js's (a pick is queued here like a tap), the caller's images
   crew-images.js's, the position crew-position.js's. */

import {
  ACTIVE, api, el, mergeAssignment, notify, serverNow, statusLabel, t, uuid,
} from './common.js';
import { renderAssignment } from './crew-assignment.js';
import { cardEvent, cardReset, cardSent, cardStreamReset, renderCardParts, setupCardParts } from './crew-card.js';
import { announceCaseChange } from './crew-changes.js';
import {
  carePlanCaseChanged, carePlanChanged, carePlanReset, renderCarePlan, setupCarePlan,
} from './crew-careplan.js';
import {
  destinationChange, destinationChangedElsewhere, destinationNotice, renderDestination,
} from './crew-destination.js';
import { renderCrewMap } from './crew-map.js';
import {
  crewNoticesEvent, crewNoticesRefused, crewNoticesReset, crewNoticesSent, renderCrewNotices, setupCrewNotices,
} from './crew-notices.js';
import { hideRefusal, renderOutbox, setSync, showRefusal } from './crew-outbox.js';
import {
  crewPanicMe, panicEvent, panicRefused, panicSent, setupCrewPanic,
} from './crew-panic.js';
import { imageForwarded, imagesReset, renderImages, setupImages } from './crew-images.js';
import { startPosition } from './crew-position.js';
import { renderStaging, stagingEvent, stagingStep } from './crew-staging.js';
import { FieldScreen } from './field.js';
import { alarm, chime } from './sound.js';
import { dropCurrent, loadCurrent, saveCurrent } from './store.js';
const REPEAT_ALARM_MS = 15000;
const COOLDOWN_MS = 1200;

const $ = (id) => document.getElementById(id);
const state = {
  unit: null,
  known: new Map(), // assignment id -> assignment (full, from the API, merged with events)
  current: null, // id of the unit's active assignment
  alarmed: new Set(),
  cooldownUntil: 0,
};

/* Who the user is (field.me), the stream, the outbox (field.outbox.list: this user's changes
   not yet sent, or refused and not yet seen), joining and leaving the unit. */
const field = new FieldScreen({
  root: $('crew'),
  onMe,
  onEvent,
  // A stream's reset reloads what it carries, nothing else (incident-mode's: crew-card.js).
  onReset: (stream) => {
    if (cardStreamReset(stream) || stream !== `unit.${field.me?.unit}`) return;
    imagesReset();
    cardReset();
    carePlanReset();
    crewNoticesReset();
    loadUnitState();
  },
  outbox: {
    onSent, onRefused, onChange: () => renderOutbox(outbox), onSending: () => setSync(outbox),
    dependsDetail: t('crew.depends'),
  },
  unit: { leaveConfirm: t('crew.leave_confirm'), left: t('crew.you_left') },
  wakeLock: true,
});
const { outbox } = field;
const USER = field.user;
setupImages({ render });
setupCardParts({ render, queue: (change) => outbox.queue(change) });
setupCarePlan({ render });
setupCrewNotices({ render, queue: (change) => outbox.queue(change) });
setupCrewPanic({ field, assignment: () => state.current });

/* ---------- assignments ---------- */

function currentAssignment() {
  const a = state.current != null ? state.known.get(state.current) : null;
  return a && a.case && typeof a.case === 'object' ? a : null;
}

// A destination just picked, until the outbox lists it (storing it is asynchronous): a view
// of the assignment that arrives meanwhile must not take the pick off the card.
const picking = new Map(); // assignment id -> the outbox change

// How many views of each assignment the server has given (events, answers, fetches): a forced
// fetch yields to any that came while it was on its way.
const heard = new Map();

/** Take in a view of an assignment (answer, fetch or event); `force` trusts it over local state. */
function applyAssignment(incoming, { force = false } = {}) {
  heard.set(incoming.id, (heard.get(incoming.id) || 0) + 1);
  // A change still in the outbox is newer than what the server says.
  const waiting = outbox.list.filter((c) => c.state === 'waiting' && c.assignment === incoming.id);
  const pending = waiting.filter((c) => c.kind === 'status' || c.kind === 'ack').at(-1);
  const destination = waiting.filter((c) => c.kind === 'destination').at(-1) || picking.get(incoming.id);
  if (destination) incoming = { ...incoming, destination: destination.hospital };
  if (pending) {
    const at = pending.body.at;
    incoming = mergeAssignment(incoming, {
      ...incoming, status: pending.status, status_changed_at: at,
      next_step: stagingStep(incoming, pending.status), [`${pending.status}_at`]: at,
    });
  }
  const old = state.known.get(incoming.id);
  const merged = force ? { ...old, ...incoming } : mergeAssignment(old, incoming);
  state.known.set(incoming.id, merged);
  if (ACTIVE.has(merged.status)) {
    const current = currentAssignment();
    if (!current || current.id === merged.id || String(merged.alerted_at) > String(current.alerted_at)) {
      state.current = merged.id;
    }
  } else {
    if (state.current === merged.id) state.current = null;
    // Ended by the centre while the crew was on it: say so, the card must not just vanish.
    if (old && ACTIVE.has(old.status) && (merged.status === 'cancelled' || merged.status === 'redirected')) {
      notify(t(`crew.${merged.status}`, { ref: merged.case?.reference || '' }), 'warn', { timeout: 30000 });
    }
  }
  const now = currentAssignment();
  if (now && now.status === 'alerted' && !state.alarmed.has(now.id)) {
    state.alarmed.add(now.id);
    alarm();
  }
  render();
}

/** The assignment as the server has it now. `force` (after a refusal) puts the server's view
    over what the tablet guessed, but not over a view the server gave while the request was on
    its way: a later event (the other tablet moved it on) is newer than this answer. */
async function refreshAssignment(id, { force = false } = {}) {
  const before = heard.get(id) || 0;
  try {
    const fresh = await api(`/api/assignments/${id}/`);
    applyAssignment(fresh, { force: force && (heard.get(id) || 0) === before });
  } catch (err) {
    if (err.status === 403 || err.status === 404) field.loadMe();
    else if (err.status !== 0) notify(err.detail, 'error'); // offline: the banner says so
  }
}

async function loadUnitState() {
  if (!field.me?.unit) return;
  const [list, unit] = await Promise.allSettled([
    api('/api/assignments/'), api(`/api/units/${field.me.unit}/`),
  ]);
  if (unit.status === 'fulfilled') state.unit = unit.value;
  if (list.status === 'fulfilled') {
    const before = state.current;
    for (const a of list.value) applyAssignment(a);
    if (before != null && !list.value.some((a) => a.id === before)) await refreshAssignment(before);
  } else if (list.reason?.status === 0) {
    await restoreCurrent(); // no network: the assignment as last known
  } else {
    notify(list.reason?.detail || String(list.reason), 'error');
  }
  render();
}

/* ---------- the current assignment, kept for an offline start ---------- */

let persistTimer = null;
/** Keep the current assignment (only it) in IndexedDB; nothing once there is none. */
function persistCurrent() {
  clearTimeout(persistTimer);
  persistTimer = setTimeout(() => {
    if (!field.me?.unit) return;
    const a = currentAssignment();
    const job = a
      ? saveCurrent({ user: USER, unit: field.me.unit, assignment: a, unitState: state.unit })
      : dropCurrent(USER);
    job.catch(() => { /* private mode: nothing kept */ });
  }, 50);
}

async function restoreCurrent() {
  try {
    const kept = await loadCurrent(USER);
    if (!kept || kept.unit !== field.me?.unit) return;
    if (!state.unit && kept.unitState) state.unit = kept.unitState;
    if (!state.known.has(kept.assignment.id)) applyAssignment(kept.assignment);
  } catch { /* nothing kept */ }
}

/* ---------- the outbox ---------- */

/** The crew's tap: move on at once on screen, and queue the change for the server. */
function step(target) {
  const a = currentAssignment();
  if (!a || Date.now() < state.cooldownUntil) return;
  // The time of the tap, on the server's clock, and never before the current status began.
  const floor = (Date.parse(a.status_changed_at) || 0) + 1;
  const at = new Date(Math.max(serverNow().getTime(), floor)).toISOString();
  const key = uuid();
  const ack = target === 'acknowledged';
  const local = {
    ...a, status: target, status_changed_at: at, next_step: stagingStep(a, target),
    [`${target}_at`]: at, ack_overdue: ack ? false : a.ack_overdue, status_overdue: false,
  };
  state.known.set(a.id, local);
  if (!ACTIVE.has(target)) state.current = null;
  state.cooldownUntil = Date.now() + COOLDOWN_MS;
  setTimeout(render, COOLDOWN_MS + 20);
  hideRefusal();
  render();
  outbox.queue({
    key, kind: ack ? 'ack' : 'status', status: target, assignment: a.id,
    url: `/api/assignments/${a.id}/${ack ? 'acknowledge' : 'status'}/`,
    body: ack ? { idempotency_key: key, at } : { status: target, idempotency_key: key, at },
  });
}

/** The crew's pick of a destination: shown at once, queued like a tap. */
function chooseDestination(hospital) {
  const a = currentAssignment();
  if (!a) return;
  const change = destinationChange(a, hospital, serverNow().toISOString());
  state.known.set(a.id, { ...a, destination: change.hospital });
  picking.set(a.id, change);
  render();
  outbox.queue(change).finally(() => {
    if (picking.get(a.id) === change) picking.delete(a.id);
  });
}

function onSent(change, answer) {
  if (panicSent(change, answer)) return;
  if (cardSent(change, answer) || crewNoticesSent(change, answer)) return; // a message, a notice's acknowledgement, a report
  if (change.kind !== 'position' && answer && answer.id) applyAssignment(answer);
}

function onRefused(change, detail) {
  if (panicRefused(change, detail)) return;
  if (change.kind === 'position') return;
  crewNoticesRefused(change);
  showRefusal(t('crew.refused', { detail }));
  refreshAssignment(change.assignment, { force: true });
}

/* ---------- stream ---------- */

/** Someone else changed the destination: once its name is known, a notice that stays and the
    short tone (Navigera already goes there). */
function destinationAnnounce(id) {
  const notice = destinationNotice(state.known.get(id));
  if (!notice) return;
  notify(notice, 'warn', { timeout: 30000 });
  chime();
}

function onEvent(event) {
  const d = event.data || {};
  if (event.type.startsWith('assignment.')) {
    const { case: _caseId, ...summary } = d; // the event's `case` is an id; keep the details
    const redirected = event.type === 'assignment.destination'
      && destinationChangedElsewhere(state.known.get(d.id), d, outbox.list);
    const before = state.known.get(d.id);
    if (state.known.has(d.id)) applyAssignment(summary);
    stagingEvent(event, before);
    if (event.type === 'assignment.resent' && d.status === 'alerted') alarm();
    if (event.type === 'assignment.case_changed') carePlanCaseChanged(d.id, d.fields);
    refreshAssignment(d.id).then(() => {
      if (redirected) destinationAnnounce(d.id);
      if (event.type === 'assignment.case_changed') announceCaseChange(state.known.get(d.id), d.changes);
    });
  } else if (event.type === 'care_plan.changed') {
    carePlanChanged();
  } else if (event.type === 'image.forwarded') {
    if (imageForwarded(d) && d.assignment === state.current) notify(t('crew.image_new'), 'info');
  } else if (panicEvent(event) || cardEvent(event) || crewNoticesEvent(event)) {
    // a message or the first responders: the card's parts took it
  } else if (event.type === 'unit.updated') {
    state.unit = { ...state.unit, ...d };
    render();
  } else if (event.type === 'crew.joined') {
    if (d.user !== field.me?.id) notify(t('crew.joined', { name: d.name }), 'info');
  } else if (event.type === 'crew.left') {
    if (d.user === field.me?.id) field.loadMe();
    else notify(t('crew.left', { name: d.name }), 'info');
  }
}

/* ---------- joining and leaving ---------- */

/** Who the user is, known or changed (start, join, leave): the unit's state, or the units to
    join. */
async function onMe(me) {
  if (me.unit) {
    if (state.unit && state.unit.id !== me.unit) {
      state.known.clear();
      state.current = null;
    }
    await loadUnitState();
    startPosition({ unit: () => field.me?.unit, queue: (change) => outbox.queue(change) });
  } else {
    state.unit = null;
    state.known.clear();
    state.current = null;
    await fillUnits();
  }
  crewPanicMe();
  render();
}

let unitsFilled = null;
function fillUnits() {
  unitsFilled ??= fillUnitsOnce().then((ok) => { if (!ok) unitsFilled = null; });
  return unitsFilled;
}

async function fillUnitsOnce() {
  const select = $('join-unit');
  if (select.options.length > 1) return true;
  try {
    const [units, regions] = await Promise.all([api('/api/units/'), api('/api/regions/')]);
    for (const region of regions) {
      const own = units.filter((u) => u.region === region.id);
      if (!own.length) continue;
      select.append(el('optgroup', { label: region.name },
        own.map((u) => el('option', { value: u.id }, `${u.call_sign} · ${u.home_station_name || ''}`.replace(/ · $/, '')))));
    }
    return true;
  } catch (err) {
    if (err.status !== 0) notify(err.detail, 'error');
    return false;
  }
}

$('refusal-close').addEventListener('click', hideRefusal);
$('a-ack').addEventListener('click', () => step('acknowledged'));
$('a-next').addEventListener('click', () => {
  const a = currentAssignment();
  if (a?.next_step) step(a.next_step);
});
$('a-alt').addEventListener('click', () => step('available'));

/* ---------- rendering ---------- */

let drawQueued = false;
/** Draw the screen once per frame for all that changed before it: the start-up's answers come
    in a burst of tasks, each asking for the whole card and its map (a hidden tab: the timer). */
function render() {
  if (drawQueued) return;
  drawQueued = true;
  const run = () => { if (drawQueued) { drawQueued = false; draw(); } };
  requestAnimationFrame(run);
  setTimeout(run, 100);
}

function draw() {
  const joined = Boolean(field.me?.unit);
  $('join').hidden = !field.me || joined;
  $('duty').hidden = !joined;
  $('unit-title').textContent = joined ? field.me.unit_call_sign : '';
  const unitStatus = $('unit-status');
  unitStatus.hidden = !(joined && state.unit);
  if (joined && state.unit) {
    unitStatus.className = `badge st-${state.unit.status}`;
    unitStatus.textContent = statusLabel(state.unit.status);
  }
  document.title = joined ? `${field.me.unit_call_sign} · Larmkedjan` : 'Larmkedjan';
  const a = joined ? currentAssignment() : null;
  $('idle').hidden = Boolean(a);
  $('assignment').hidden = !a;
  persistCurrent();
  renderCrewNotices(a, state.known.values()); // applied risk notices; the report after a visit
  if (!a) return;
  renderAssignment(a, { cooling: Date.now() < state.cooldownUntil });
  renderStaging(a);
  renderDestination(a, { onPick: chooseDestination });
  renderCrewMap(a, { unitLabel: field.me.unit_call_sign });
  renderImages(a);
  renderCardParts(a);
  renderCarePlan(a);
}

/* Keep ringing while an assignment waits for its acknowledgement. */
setInterval(() => {
  const a = currentAssignment();
  if (a && a.status === 'alerted') alarm();
}, REPEAT_ALARM_MS);

/* ---------- start ---------- */

field.start();
