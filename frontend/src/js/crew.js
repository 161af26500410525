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
   current assignment from IndexedDB (larmkedjan-data), and a banner says how old it is. */

import {
  ACTIVE, api, el, fmtTime, isOffline, mergeAssignment, notify, serverNow, statusLabel, t, uuid,
} from './common.js';
import { FieldScreen } from './field.js';
import { alarm } from './sound.js';
import { dropCurrent, loadCurrent, saveCurrent } from './store.js';
import { table } from './tables.js';

// The crew's next step from each status (dispatch.statemachine, handed over by the page).
const FORWARD = table('assignment')?.next_step || {};
const TIMES = ['alerted', 'acknowledged', 'en_route', 'on_scene', 'transporting', 'at_hospital', 'available'];
const POSITION_MOVE_M = 100;
const REPEAT_ALARM_MS = 15000;
const COOLDOWN_MS = 1200;
const POSITION_EVERY_MS = 15000;

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
  onReset: () => {
    images.loaded.clear();
    loadUnitState();
  },
  outbox: { onSent, onRefused, onChange: renderOutbox, onSending: setSync, dependsDetail: t('crew.depends') },
  unit: { leaveConfirm: t('crew.leave_confirm'), left: t('crew.you_left') },
  wakeLock: true,
});
const { outbox } = field;
const USER = field.user;

/* ---------- assignments ---------- */

function currentAssignment() {
  const a = state.current != null ? state.known.get(state.current) : null;
  return a && a.case && typeof a.case === 'object' ? a : null;
}

/** Take in a view of an assignment (answer, fetch or event); `force` trusts it over local state. */
function applyAssignment(incoming, { force = false } = {}) {
  // A change still in the outbox is newer than what the server says.
  const pending = outbox.list.filter((c) => c.state === 'waiting' && c.kind !== 'position'
    && c.assignment === incoming.id).at(-1);
  if (pending) {
    const at = pending.body.at;
    incoming = mergeAssignment(incoming, {
      ...incoming, status: pending.status, status_changed_at: at,
      next_step: FORWARD[pending.status] || null, [`${pending.status}_at`]: at,
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

async function refreshAssignment(id, options) {
  try {
    applyAssignment(await api(`/api/assignments/${id}/`), options);
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
    ...a, status: target, status_changed_at: at, next_step: FORWARD[target] || null,
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

function onSent(change, answer) {
  if (change.kind !== 'position' && answer && answer.id) applyAssignment(answer);
}

function onRefused(change, detail) {
  if (change.kind === 'position') return;
  showRefusal(t('crew.refused', { detail }));
  refreshAssignment(change.assignment, { force: true });
}

function setSync() {
  const waiting = outbox.list.filter((c) => c.state === 'waiting').length;
  const node = $('a-sync');
  node.hidden = waiting === 0;
  node.textContent = waiting === 0 ? ''
    : isOffline() || !navigator.onLine ? t('crew.queued', { n: waiting })
      : t('crew.sending_n', { n: waiting });
}

function renderOutbox() {
  setSync();
  const list = $('outbox-list');
  const box = $('outbox');
  const statusChanges = outbox.list.filter((c) => c.kind !== 'position' || c.state === 'refused');
  const positions = outbox.list.filter((c) => c.kind === 'position' && c.state === 'waiting').length;
  box.hidden = !statusChanges.length && !positions;
  const at = (c) => fmtTime(c.body?.at || c.createdAt, true);
  const items = statusChanges.map((c) => {
    const what = c.kind === 'position' ? t('crew.position') : statusLabel(c.status);
    if (c.state === 'refused') {
      return el('li', { class: 'ob-item is-refused', dataset: { key: c.key, state: 'refused' } },
        el('span', { class: 'ob-what' }, `${what} ${at(c)}`),
        el('span', { class: 'ob-state' }, t('crew.refused', { detail: c.detail })),
        el('button', {
          type: 'button', class: 'btn btn-ghost ob-dismiss',
          onclick: async () => { await outbox.dismiss(c); hideRefusal(); },
        }, t('crew.seen')));
    }
    return el('li', { class: 'ob-item', dataset: { key: c.key, state: 'waiting' } },
      el('span', { class: 'ob-what' }, `${what} ${at(c)}`),
      el('span', { class: 'ob-state' }, t('crew.waiting')));
  });
  if (positions) {
    items.push(el('li', { class: 'ob-item', dataset: { state: 'waiting', kind: 'position' } },
      el('span', { class: 'ob-what' }, t('crew.positions', { n: positions })),
      el('span', { class: 'ob-state' }, t('crew.waiting'))));
  }
  list.replaceChildren(...items);
  $('outbox-count').textContent = String(outbox.list.filter((c) => c.state === 'waiting').length);
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
  } else if (event.type === 'image.forwarded') {
    const fresh = !images.byId.has(d.id);
    upsertImage(d);
    if (fresh && d.assignment === state.current) notify(t('crew.image_new'), 'info');
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
    startPosition();
  } else {
    state.unit = null;
    state.known.clear();
    state.current = null;
    await fillUnits();
  }
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

function render() {
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
  renderImages(a);
  $('a-times').replaceChildren(...TIMES.filter((s) => a[`${s}_at`]).map((s) =>
    el('li', {}, `${statusLabel(s)} `, el('b', {}, fmtTime(a[`${s}_at`], true)))));
}

/* ---------- images from the caller, forwarded by the dispatch centre ---------- */

// Only in memory: an image is patient data, and the service worker never stores it either.
const images = { byId: new Map(), loaded: new Set(), sig: '' };

function upsertImage(image) {
  if (!image || image.id == null) return;
  images.byId.set(image.id, { ...images.byId.get(image.id), ...image });
  render();
}

async function loadImages(assignmentId) {
  if (images.loaded.has(assignmentId)) return;
  images.loaded.add(assignmentId);
  try {
    const list = await api(`/api/imaging/assignments/${assignmentId}/images/`);
    for (const image of list) upsertImage({ assignment: assignmentId, ...image });
  } catch (err) {
    // No network or a server error: asked again at the next render (or event). A refusal
    // (no longer this unit's assignment) is not asked again.
    if (err.status === 0 || err.status >= 500) images.loaded.delete(assignmentId);
    else if (err.status !== 403 && err.status !== 404) notify(err.detail, 'error');
  }
}

function imagesOf(assignmentId) {
  return [...images.byId.values()]
    .filter((i) => i.assignment === assignmentId && i.state === 'ready' && i.display_url && !i.deleted_at)
    .sort((x, y) => String(x.received_at).localeCompare(String(y.received_at)) || x.id - y.id);
}

function renderImages(a) {
  if (!images.loaded.has(a.id) && navigator.onLine !== false) loadImages(a.id);
  const list = imagesOf(a.id);
  const sig = JSON.stringify([a.id, list, document.documentElement.lang]);
  if (sig === images.sig) return;
  images.sig = sig;
  $('a-images').hidden = !list.length;
  $('a-images-list').replaceChildren(...list.map((image, index) => {
    const n = index + 1;
    const img = el('img', {
      src: image.thumbnail_url, alt: t('crew.image_alt', { n }), decoding: 'async',
      width: image.thumb_width || null, height: image.thumb_height || null,
    });
    img.style.transform = `rotate(${image.rotation || 0}deg)`;
    return el('button', {
      type: 'button', class: 'a-image', dataset: { image: image.id }, 'aria-label': t('crew.image_open', { n }),
      onclick: () => openImage(image, n),
    }, img);
  }));
}

function openImage(image, n) {
  const dialog = $('crew-viewer');
  const img = $('crew-viewer-img');
  $('crew-viewer-title').textContent = t('crew.image_alt', { n });
  img.alt = t('crew.image_alt', { n });
  img.dataset.rotation = String(image.rotation || 0);
  img.style.transform = '';
  img.src = image.display_url;
  $('crew-viewer-note').hidden = !image.note;
  $('crew-viewer-note').textContent = image.note ? t('crew.image_note', { note: image.note }) : '';
  dialog.dataset.image = String(image.id);
  if (!dialog.open) dialog.showModal();
  if (img.complete) fitImage();
}

/** Full size, turned as the dispatcher turned it, as large as the screen allows. */
function fitImage() {
  const img = $('crew-viewer-img');
  const box = img.parentElement.getBoundingClientRect();
  const w = img.naturalWidth;
  const h = img.naturalHeight;
  if (!w || !h || !box.width) return;
  const rotation = Number(img.dataset.rotation || 0);
  const turned = rotation % 180 !== 0;
  const scale = Math.min(box.width / (turned ? h : w), box.height / (turned ? w : h));
  img.style.width = `${w}px`;
  img.style.height = `${h}px`;
  img.style.marginLeft = `${-w / 2}px`;
  img.style.marginTop = `${-h / 2}px`;
  img.style.transform = `scale(${scale}) rotate(${rotation}deg)`;
}

$('crew-viewer-img').addEventListener('load', fitImage);
$('crew-viewer-close').addEventListener('click', () => $('crew-viewer').close());
$('crew-viewer').addEventListener('close', () => $('crew-viewer-img').removeAttribute('src'));
addEventListener('resize', () => { if ($('crew-viewer').open) fitImage(); });

/* Keep ringing while an assignment waits for its acknowledgement. */
setInterval(() => {
  const a = currentAssignment();
  if (a && a.status === 'alerted') alarm();
}, REPEAT_ALARM_MS);

/* ---------- position ---------- */

let watchId = null;
// {at, lat, lon} of the last position queued; kept over a reload, so that a restarted tablet
// does not report the same place again at once.
const LAST_POSITION_KEY = 'larmkedjan.lastPosition';
let lastQueued = null;
try { lastQueued = JSON.parse(localStorage.getItem(LAST_POSITION_KEY)); } catch { /* none */ }

/** Metres between two positions (equirectangular: plenty for 100 m). */
function distance(lat1, lon1, lat2, lon2) {
  const rad = Math.PI / 180;
  const x = (lon2 - lon1) * rad * Math.cos(((lat1 + lat2) / 2) * rad);
  const y = (lat2 - lat1) * rad;
  return Math.hypot(x, y) * 6371000;
}

/** Positions go through the outbox too: offline they are kept and sent in order later. One is
    queued every POSITION_EVERY_MS, or sooner when the unit has moved POSITION_MOVE_M. */
function startPosition() {
  if (watchId != null || !navigator.geolocation) return;
  watchId = navigator.geolocation.watchPosition((pos) => {
    const unit = field.me?.unit;
    if (!unit) return;
    const { latitude, longitude } = pos.coords;
    const now = Date.now();
    if (lastQueued && now - lastQueued.at < POSITION_EVERY_MS
        && distance(lastQueued.lat, lastQueued.lon, latitude, longitude) < POSITION_MOVE_M) return;
    lastQueued = { at: now, lat: latitude, lon: longitude };
    try { localStorage.setItem(LAST_POSITION_KEY, JSON.stringify(lastQueued)); } catch { /* full */ }
    const skew = serverNow().getTime() - Date.now();
    const key = uuid();
    outbox.queue({
      key, kind: 'position', unit, url: `/api/units/${unit}/position/`,
      body: {
        latitude, longitude, idempotency_key: key,
        at: new Date(Math.min(pos.timestamp, Date.now()) + skew).toISOString(),
      },
    });
  }, () => { /* no permission or no fix: the console shows the last known position */ },
  { enableHighAccuracy: true, maximumAge: 10000 });
}

/* ---------- start ---------- */

field.start();
