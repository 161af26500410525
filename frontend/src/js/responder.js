/* The first responder's phone (IVPA): availability and position, a test alarm, the incoming
   alert with its two big answers, the way there after accepting (and the defibrillator to fetch
   first), the stand-down or the end, and the short report after the case.

   The phone follows its own `responder.<user id>` stream and tells the server it saw each event
   (`ack`), so that no push wakes a phone already showing it. Events say only what kind of case
   and how far; where to go comes over HTTP after accepting (the read is logged) and is kept in
   memory only, never in a cache or IndexedDB. The answers (accept, decline, arrived) go through
   the outbox with an idempotency key and the time of the tap, like the crew's status taps: a
   dead zone delays an answer, never loses or doubles it. A refusal (409: enough have accepted,
   the alert has ended) is shown once with the server's reason, and the alert as the server has
   it. The start-up and the stream are the field screens' (field.js).

   This module keeps the alerts, the answers and the start-up; the responder's own settings and
   the test alarm are responder-profile.js's, the alert card responder-alert.js's, the report
   after the case responder-report.js's. */

import { api, notify, serverNow, t, uuid } from './common.js';
import { FieldScreen } from './field.js';
import { ALERTS, ENGAGED, isOpen, renderAlert } from './responder-alert.js';
import { alertCounted, loadProfile, testArrived } from './responder-profile.js';
import { renderReport, setupReport } from './responder-report.js';
import { alarm } from './sound.js';

const $ = (id) => document.getElementById(id);
const REPEAT_ALARM_MS = 15000;
const RECENT_MS = 24 * 3600 * 1000;
const COOLDOWN_MS = 800;
let cooldownUntil = 0;

const state = {
  alerts: new Map(), // id -> what is known of the alert (no patient data is ever sent)
  focus: null, // the alert on screen once it is no longer open
  dismissed: new Set(),
  alarmed: new Set(),
  seenSent: new Set(),
  pending: new Map(), // alert id -> answer waiting in the outbox (or being sent without it)
};

/* The stream (`responder.<id>`), the outbox (only the answers: a refusal is shown once and
   deleted; without IndexedDB an answer is sent at once), the start-up. */
let wasClosed = false;
const field = new FieldScreen({
  root: $('responder'),
  onMe: () => Promise.all([loadProfile(), loadAlerts()]),
  onEvent,
  onReset: () => loadAlerts(),
  onStatus: (s) => {
    if (s === 'closed') wasClosed = true;
    if (s === 'open' && wasClosed) {
      wasClosed = false;
      loadAlerts(); // back after a gap: what the server has now
    }
  },
  outbox: {
    mine: (change) => change.kind === 'ivpa',
    keepRefused: false,
    sendDirectly: true,
    detailFor: (status) => (status ? t('error.http', { status }) : t('error.network')),
    onSent,
    onRefused,
    onChange: (list) => {
      state.pending.clear();
      for (const c of list) state.pending.set(c.alert, c);
    },
    onSending: renderSync,
  },
});
const { outbox } = field;
const DISMISSED_KEY = `larmkedjan.ivpa.dismissed.${field.user}`;
try { JSON.parse(localStorage.getItem(DISMISSED_KEY) || '[]').forEach((id) => state.dismissed.add(id)); } catch { /* none */ }
setupReport({
  alert: (id) => state.alerts.get(id),
  reported: (id, report) => {
    applyAlert({ ...state.alerts.get(id), report }, { fresh: true });
    refreshAlert(id);
  },
});

const isRecent = (a) => Date.now() - Date.parse(a.ended_at || a.alerted_at) < RECENT_MS;

/* ---------- alerts ---------- */

/** Take in a view of an alert: an event, a fetch, an answer. `fresh` ones (a fetch or an answer
    of the server) are trusted over what the page thought; events move it forward only. */
function applyAlert(incoming, { fresh = false } = {}) {
  const old = state.alerts.get(incoming.id);
  let merged;
  if (!old) merged = { ...incoming };
  else if (fresh || (ALERTS.rank[incoming.status] ?? 0) >= (ALERTS.rank[old.status] ?? 0)) merged = { ...old, ...incoming };
  else merged = { ...old, ...incoming, status: old.status };
  if (old && old.active === false) merged.active = false; // an ended alert never runs again
  if (!incoming.destination && old?.destination && isOpen(merged) && ENGAGED.has(merged.status)) {
    merged.destination = old.destination; // an event does not carry it: keep the fetched one
    if (!incoming.legs?.length && old.legs) merged.legs = old.legs;
  }
  if (!isOpen(merged) || !ENGAGED.has(merged.status)) {
    delete merged.destination;
    delete merged.legs;
  }
  // An answer still waiting in the outbox is newer than what the server says.
  const pending = state.pending.get(merged.id);
  if (pending && merged.active !== false && !['not_needed', 'stood_down'].includes(merged.status)) {
    merged.status = pending.status;
  }
  state.alerts.set(merged.id, merged);
  if (isOpen(merged)) state.focus = merged.id;
  scheduleRender();
  return merged;
}

const loading = new Map();
/** The alert as the server has it now; asked again if asked while on the way. */
async function refreshAlert(id) {
  if (loading.has(id)) {
    loading.set(id, 'again');
    return;
  }
  loading.set(id, 'once');
  try {
    do {
      loading.set(id, 'once');
      try {
        applyAlert(await api(`/api/ivpa/alerts/${id}/`), { fresh: true });
      } catch (err) {
        if (err.status !== 0) notify(err.detail, 'error');
      }
    } while (loading.get(id) === 'again');
  } finally {
    loading.delete(id);
  }
}

async function loadAlerts() {
  try {
    const list = await api('/api/ivpa/alerts/');
    for (const a of list) applyAlert(a, { fresh: true });
  } catch (err) {
    if (err.status !== 0) notify(err.detail, 'error');
  }
  render();
}

/** The alert on screen: one that runs (newest first), else the one just followed until the
    responder closes it, else an accepted one that ended without a report yet. */
function shownAlert() {
  const list = [...state.alerts.values()]
    .sort((a, b) => String(b.alerted_at).localeCompare(String(a.alerted_at)));
  const open = list.find(isOpen);
  if (open) return open;
  const focused = state.focus != null ? state.alerts.get(state.focus) : null;
  if (focused && !state.dismissed.has(focused.id)) return focused;
  return list.find((a) => a.accepted_at && a.active === false && !a.report
    && !state.dismissed.has(a.id) && isRecent(a)) || null;
}

function dismiss(id) {
  state.dismissed.add(id);
  if (state.focus === id) state.focus = null;
  try { localStorage.setItem(DISMISSED_KEY, JSON.stringify([...state.dismissed].slice(-50))); } catch { /* full */ }
  render();
}

/* ---------- answers, through the outbox ---------- */

async function answer(a, action, status) {
  const at = new Date(Math.max(serverNow().getTime(),
    (Date.parse(a.accepted_at || a.alerted_at) || 0) + 1)).toISOString();
  const key = uuid();
  hideRefusal();
  const change = {
    key, kind: 'ivpa', action, status, alert: a.id, assignment: `ivpa-${a.id}`,
    url: `/api/ivpa/alerts/${a.id}/${action}/`,
    body: action === 'decline' ? {} : { at },
  };
  state.pending.set(a.id, change);
  applyAlert({ id: a.id, status, [`${status}_at`]: at });
  await outbox.queue(change);
}

function onSent(change, data) {
  state.pending.delete(change.alert);
  if (data && data.id) applyAlert(data, { fresh: true });
  else refreshAlert(change.alert);
}

function onRefused(change, detail) {
  state.pending.delete(change.alert);
  showRefusal(detail);
  refreshAlert(change.alert);
}

function renderSync(sending) {
  const node = $('al-sync');
  const waiting = state.pending.size;
  node.hidden = waiting === 0;
  node.textContent = !waiting ? '' : (!navigator.onLine || !sending) ? t('responder.queued') : t('responder.sending');
}

function showRefusal(detail) {
  $('refusal-text').textContent = t('responder.refused', { detail });
  $('refusal').hidden = false;
}
function hideRefusal() { $('refusal').hidden = true; }

/* ---------- the stream ---------- */

function onEvent(event) {
  const d = event.data || {};
  if (event.type === 'alert.test') {
    testArrived(d);
    return;
  }
  if (!d.id) return;
  const incoming = { ...d };
  delete incoming.reason;
  if (event.type === 'alert.created') {
    incoming.active = true;
    alertCounted();
  }
  if (event.type === 'alert.ended') {
    incoming.active = false;
    incoming.end_reason = d.reason;
  }
  const merged = applyAlert(incoming);
  if (event.type === 'alert.created' || event.type === 'alert.not_needed' || event.type === 'alert.ended') {
    state.focus = merged.id;
    state.dismissed.delete(merged.id);
  }
  refreshAlert(d.id);
}

/* ---------- rendering the alert ---------- */

let renderQueued = false;
function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  setTimeout(() => {
    renderQueued = false;
    render();
  }, 0);
}

function render() {
  const a = shownAlert();
  renderSync(outbox.flushing);
  renderAlert(a, { cooling: Date.now() < cooldownUntil });
  renderReport(a);
  checkShown();
}

/* ---------- taps ---------- */

function tap(action, status) {
  const a = shownAlert();
  if (!a || Date.now() < cooldownUntil) return;
  cooldownUntil = Date.now() + COOLDOWN_MS; // a second tap of a gloved thumb is not an answer
  setTimeout(render, COOLDOWN_MS + 20);
  answer(a, action, status);
}
$('al-accept').addEventListener('click', () => tap('accept', 'accepted'));
$('al-decline').addEventListener('click', () => tap('decline', 'declined'));
$('al-arrived').addEventListener('click', () => tap('arrived', 'arrived'));
$('al-close').addEventListener('click', () => {
  const a = shownAlert();
  if (a) dismiss(a.id);
});
$('refusal-close').addEventListener('click', hideRefusal);

/* The phone shows the alert: tell the server (the dispatcher sees "seen"), and ring. */
function checkShown() {
  const a = shownAlert();
  if (!a || !isOpen(a) || a.status !== 'alerted') return;
  if (!a.seen_at && !state.seenSent.has(a.id)) {
    state.seenSent.add(a.id);
    api(`/api/ivpa/alerts/${a.id}/seen/`, { method: 'POST' })
      .then((fresh) => applyAlert(fresh, { fresh: true }))
      .catch(() => state.seenSent.delete(a.id));
  }
  if (!state.alarmed.has(a.id)) {
    state.alarmed.add(a.id);
    alarm();
  }
}

setInterval(() => {
  const a = shownAlert();
  if (a && isOpen(a) && a.status === 'alerted') alarm();
}, REPEAT_ALARM_MS);

/* ---------- start ---------- */

field.start();
