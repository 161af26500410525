/* The crew tablet: join a unit, receive the assignment with a sound, acknowledge it, and move
   it on with one large button.

   Every device on the unit follows the `unit.<id>` stream, so all of them show the same state.
   A tap is stored in an outbox (localStorage) with an idempotency key and the time of the tap,
   and is sent until the server answers: a dead zone delays a status, never loses or doubles it.
   The screen moves on at once; a refusal (409) is shown with its reason and the state is
   fetched again from the server. */

import {
  ACTIVE, api, el, fmtTime, mergeAssignment, notify, serverNow, showConnection, signedOut,
  statusLabel, t, twoStep, uuid,
} from './common.js';
import { alarm, setupAudio } from './sound.js';
import { LocalSeqStore, StreamClient } from './stream.js';

const FORWARD = {
  alerted: 'acknowledged', acknowledged: 'en_route', en_route: 'on_scene', on_scene: 'transporting',
  transporting: 'at_hospital', at_hospital: 'available',
};
const TIMES = ['alerted', 'acknowledged', 'en_route', 'on_scene', 'transporting', 'at_hospital', 'available'];
const OUTBOX_PREFIX = 'larmkedjan.outbox.';
const REPEAT_ALARM_MS = 15000;
const COOLDOWN_MS = 1200;
const POSITION_EVERY_MS = 15000;

const $ = (id) => document.getElementById(id);
const state = {
  me: null,
  unit: null,
  known: new Map(), // assignment id -> assignment (full, from the API, merged with events)
  current: null, // id of the unit's active assignment
  alarmed: new Set(),
  sync: 'idle', // idle | sending | queued
  cooldownUntil: 0,
};

/* ---------- assignments ---------- */

function currentAssignment() {
  const a = state.current != null ? state.known.get(state.current) : null;
  return a && a.case && typeof a.case === 'object' ? a : null;
}

/** Take in a view of an assignment (answer, fetch or event); `force` trusts it over local state. */
function applyAssignment(incoming, { force = false } = {}) {
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

async function refreshAssignment(id, options) {
  try {
    applyAssignment(await api(`/api/assignments/${id}/`), options);
  } catch (err) {
    if (err.status === 403 || err.status === 404) loadMe();
    else notify(err.detail, 'error');
  }
}

async function loadUnitState() {
  if (!state.me?.unit) return;
  try {
    const [list, unit] = await Promise.all([api('/api/assignments/'), api(`/api/units/${state.me.unit}/`)]);
    state.unit = unit;
    const before = state.current;
    for (const a of list) applyAssignment(a);
    if (before != null && !list.some((a) => a.id === before)) await refreshAssignment(before);
    render();
  } catch (err) {
    notify(err.detail, 'error');
  }
}

/* ---------- the outbox ---------- */

// One outbox per user: a shared tablet never sends one person's taps as another's.
const outboxKey = () => OUTBOX_PREFIX + (state.me?.username || '');
function readOutbox() {
  if (!state.me) return [];
  try { return JSON.parse(localStorage.getItem(outboxKey())) || []; } catch { return []; }
}
function writeOutbox(list) {
  try { localStorage.setItem(outboxKey(), JSON.stringify(list)); } catch { /* private mode */ }
}

/** The crew's tap: move on at once on screen, and queue the change for the server. */
function step(target) {
  const a = currentAssignment();
  if (!a || Date.now() < state.cooldownUntil) return;
  // The time of the tap, on the server's clock, and never before the current status began.
  const floor = (Date.parse(a.status_changed_at) || 0) + 1;
  const at = new Date(Math.max(serverNow().getTime(), floor)).toISOString();
  const key = uuid();
  const ack = target === 'acknowledged';
  writeOutbox([...readOutbox(), {
    key, assignment: a.id,
    url: `/api/assignments/${a.id}/${ack ? 'acknowledge' : 'status'}/`,
    body: ack ? { idempotency_key: key, at } : { status: target, idempotency_key: key, at },
  }]);
  const local = {
    ...a, status: target, status_changed_at: at, next_step: FORWARD[target] || null,
    [`${target}_at`]: at, ack_overdue: ack ? false : a.ack_overdue, status_overdue: false,
  };
  state.known.set(a.id, local);
  if (!ACTIVE.has(target)) state.current = null;
  state.cooldownUntil = Date.now() + COOLDOWN_MS;
  setTimeout(render, COOLDOWN_MS + 20);
  hideRefusal();
  render();
  flushOutbox();
}

let flushing = false;
let retryTimer = null;
let retryDelay = 1000;

async function flushOutbox() {
  if (flushing) return;
  flushing = true;
  clearTimeout(retryTimer);
  try {
    for (let list = readOutbox(); list.length; list = readOutbox()) {
      const item = list[0];
      setSync('sending');
      try {
        const answer = await api(item.url, { method: 'POST', body: item.body });
        writeOutbox(readOutbox().filter((x) => x.key !== item.key));
        retryDelay = 1000;
        applyAssignment(answer);
      } catch (err) {
        // Kept for later: no network, a server in trouble, or a session that ended (the page
        // goes to sign-in; the tap is sent after signing in again).
        if (err.status === 0 || err.status >= 500 || err.status === 429
            || ((err.status === 401 || err.status === 403) && await signedOut())) {
          setSync('queued');
          retryTimer = setTimeout(flushOutbox, retryDelay);
          retryDelay = Math.min(retryDelay * 2, 30000);
          return;
        }
        // Refused: later taps on the same assignment built on this one, so they go too.
        writeOutbox(readOutbox().filter((x) => x.assignment !== item.assignment));
        showRefusal(t('crew.refused', { detail: err.detail }));
        await refreshAssignment(item.assignment, { force: true });
      }
    }
    setSync('idle');
  } finally {
    flushing = false;
  }
}

function setSync(value) {
  state.sync = value;
  const node = $('a-sync');
  node.hidden = value === 'idle';
  node.textContent = value === 'queued' ? t('crew.queued') : value === 'sending' ? t('crew.sending') : '';
}

function showRefusal(message) {
  $('refusal-text').textContent = message;
  $('refusal').hidden = false;
}
function hideRefusal() {
  $('refusal').hidden = true;
}

/* ---------- stream ---------- */

function onEvent(event) {
  const d = event.data || {};
  if (event.type.startsWith('assignment.')) {
    const { case: _caseId, ...summary } = d; // the event's `case` is an id; keep the details
    if (state.known.has(d.id)) applyAssignment(summary);
    if (event.type === 'assignment.resent' && d.status === 'alerted') alarm();
    refreshAssignment(d.id);
  } else if (event.type === 'unit.updated') {
    state.unit = { ...state.unit, ...d };
    render();
  } else if (event.type === 'crew.joined') {
    if (d.user !== state.me?.id) notify(t('crew.joined', { name: d.name }), 'info');
  } else if (event.type === 'crew.left') {
    if (d.user === state.me?.id) loadMe();
    else notify(t('crew.left', { name: d.name }), 'info');
  }
}

const stream = new StreamClient({
  store: new LocalSeqStore(),
  onEvent,
  onReset: () => loadUnitState(),
  onStatus: showConnection,
  onRefused: () => setTimeout(loadMe, 3000),
});

/* ---------- joining and leaving ---------- */

async function loadMe() {
  try {
    state.me = await api('/api/me/');
  } catch (err) {
    notify(err.detail, 'error');
    return;
  }
  stream.setStreams(state.me.streams);
  if (state.me.unit) {
    if (state.unit && state.unit.id !== state.me.unit) {
      state.known.clear();
      state.current = null;
    }
    await loadUnitState();
    startPosition();
  } else {
    state.unit = null;
    state.known.clear();
    state.current = null;
    await fillUnits();
  }
  render();
}

async function fillUnits() {
  const select = $('join-unit');
  if (select.options.length > 1) return;
  try {
    const [units, regions] = await Promise.all([api('/api/units/'), api('/api/regions/')]);
    for (const region of regions) {
      const own = units.filter((u) => u.region === region.id);
      if (!own.length) continue;
      select.append(el('optgroup', { label: region.name },
        own.map((u) => el('option', { value: u.id }, `${u.call_sign} · ${u.home_station_name || ''}`.replace(/ · $/, '')))));
    }
  } catch (err) {
    notify(err.detail, 'error');
  }
}

$('join-button').addEventListener('click', async () => {
  const id = $('join-unit').value;
  if (!id) {
    $('join-unit').focus();
    return;
  }
  try {
    await api(`/api/units/${id}/join/`, { method: 'POST' });
    await loadMe();
  } catch (err) {
    notify(err.detail, 'error');
  }
});

twoStep($('leave-button'), t('crew.leave_confirm'), async () => {
  try {
    await api('/api/units/leave/', { method: 'POST' });
    notify(t('crew.you_left'), 'info');
    await loadMe();
  } catch (err) {
    notify(err.detail, 'error');
  }
});

$('refusal-close').addEventListener('click', hideRefusal);
$('a-ack').addEventListener('click', () => step('acknowledged'));
$('a-next').addEventListener('click', () => {
  const a = currentAssignment();
  if (a?.next_step) step(a.next_step);
});
$('a-alt').addEventListener('click', () => step('available'));

/* ---------- rendering ---------- */

function render() {
  const joined = Boolean(state.me?.unit);
  $('join').hidden = !state.me || joined;
  $('duty').hidden = !joined;
  $('unit-title').textContent = joined ? state.me.unit_call_sign : '';
  const unitStatus = $('unit-status');
  unitStatus.hidden = !(joined && state.unit);
  if (joined && state.unit) {
    unitStatus.className = `badge st-${state.unit.status}`;
    unitStatus.textContent = statusLabel(state.unit.status);
  }
  document.title = joined ? `${state.me.unit_call_sign} · Larmkedjan` : 'Larmkedjan';
  const a = joined ? currentAssignment() : null;
  $('idle').hidden = Boolean(a);
  $('assignment').hidden = !a;
  if (!a) return;
  const c = a.case;
  const card = $('assignment');
  card.dataset.id = a.id;
  card.dataset.status = a.status;
  const prio = $('a-priority');
  prio.className = `prio-badge a-priority prio-${c.priority}`;
  prio.textContent = c.priority;
  const status = $('a-status');
  status.className = `badge a-status st-${a.status}`;
  status.textContent = statusLabel(a.status);
  $('a-ref').textContent = c.reference || '';
  $('a-alerted').textContent = `${statusLabel('alerted')} ${fmtTime(a.alerted_at, true)}`;
  $('a-safety').hidden = !c.safety_warning;
  $('a-safety-text').textContent = c.safety_warning || '';
  $('a-address').textContent = c.address;
  $('a-municipality').textContent = c.municipality || '';
  $('a-complaint').textContent = c.complaint;
  $('a-notes').hidden = !c.notes;
  $('a-notes').textContent = c.notes || '';
  const caller = $('a-caller');
  caller.textContent = c.caller_number;
  caller.href = `tel:${String(c.caller_number).replace(/[^0-9+]/g, '')}`;
  const patient = [c.patient_name, c.personal_identity_number].filter(Boolean).join(', ');
  $('a-patient-row').hidden = !patient;
  $('a-patient').textContent = patient;
  const dest = `${c.latitude},${c.longitude}`;
  $('a-nav-google').href = `https://www.google.com/maps/dir/?api=1&destination=${dest}`;
  $('a-nav-geo').href = `geo:${dest}?q=${dest}(${encodeURIComponent(c.address)})`;

  const cooling = Date.now() < state.cooldownUntil;
  $('a-ack').hidden = a.status !== 'alerted';
  $('a-ack').disabled = cooling;
  const next = $('a-next');
  next.hidden = a.status === 'alerted' || !a.next_step;
  next.disabled = cooling;
  next.dataset.step = a.next_step || '';
  next.textContent = a.next_step ? t(`crew.step.${a.next_step}`) : '';
  $('a-alt').hidden = a.status !== 'on_scene';
  $('a-alt').disabled = cooling;
  $('a-times').replaceChildren(...TIMES.filter((s) => a[`${s}_at`]).map((s) =>
    el('li', {}, `${statusLabel(s)} `, el('b', {}, fmtTime(a[`${s}_at`], true)))));
}

/* Keep ringing while an assignment waits for its acknowledgement. */
setInterval(() => {
  const a = currentAssignment();
  if (a && a.status === 'alerted') alarm();
}, REPEAT_ALARM_MS);

/* ---------- position and screen ---------- */

let watchId = null;
let lastPositionAt = 0;
function startPosition() {
  if (watchId != null || !navigator.geolocation) return;
  watchId = navigator.geolocation.watchPosition((pos) => {
    const unit = state.me?.unit;
    if (!unit || Date.now() - lastPositionAt < POSITION_EVERY_MS) return;
    lastPositionAt = Date.now();
    const skew = serverNow().getTime() - Date.now();
    api(`/api/units/${unit}/position/`, {
      method: 'POST',
      body: {
        latitude: pos.coords.latitude, longitude: pos.coords.longitude,
        at: new Date(Math.min(pos.timestamp, Date.now()) + skew).toISOString(), idempotency_key: uuid(),
      },
    }).catch(() => { /* the next fix is sent anyway */ });
  }, () => { /* no permission or no fix: the console shows the last known position */ },
  { enableHighAccuracy: true, maximumAge: 10000 });
}

let wakeLock = null;
async function keepScreenOn() {
  if (!('wakeLock' in navigator) || document.visibilityState !== 'visible' || wakeLock) return;
  try {
    wakeLock = await navigator.wakeLock.request('screen');
    wakeLock.addEventListener('release', () => { wakeLock = null; });
  } catch { /* not allowed here */ }
}
document.addEventListener('visibilitychange', keepScreenOn);
addEventListener('online', flushOutbox);

/* ---------- start ---------- */

setupAudio($('audio-banner'));
keepScreenOn();
loadMe().then(flushOutbox);
