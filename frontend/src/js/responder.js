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
   it. The start-up and the stream are the field screens' (field.js). */

import { api, fmtTime, notify, serverNow, t, uuid } from './common.js';
import { FieldScreen } from './field.js';
import { alarm } from './sound.js';
import { table } from './tables.js';

const $ = (id) => document.getElementById(id);
const LANG = document.documentElement.lang || 'sv';
// Alert statuses (ivpa.models, handed over by the page): the order an alert moves in (a higher
// rank is newer) and those of a responder on the way or there.
const ALERTS = table('alert') || { rank: {}, engaged: [] };
const ENGAGED = new Set(ALERTS.engaged);
const REPEAT_ALARM_MS = 15000;
const RECENT_MS = 24 * 3600 * 1000;
const COOLDOWN_MS = 800;
let cooldownUntil = 0;

const state = {
  profile: null,
  alerts: new Map(), // id -> what is known of the alert (no patient data is ever sent)
  focus: null, // the alert on screen once it is no longer open
  dismissed: new Set(),
  alarmed: new Set(),
  seenSent: new Set(),
  pending: new Map(), // alert id -> answer waiting in the outbox (or being sent without it)
  positionAt: null,
  positionDenied: false,
  testPressedAt: null,
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

const number1 = new Intl.NumberFormat(LANG, { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const dateFormat = new Intl.DateTimeFormat(LANG, { year: 'numeric', month: 'long', day: 'numeric' });

function distanceText(metres) {
  if (metres == null) return '';
  if (metres < 1000) return t('ivpa.metres', { n: Math.round(metres / 10) * 10 });
  return t('ivpa.kilometres', { n: number1.format(metres / 1000) });
}

function durationText(seconds) {
  if (seconds == null) return '';
  if (seconds < 60) return t('time.seconds', { n: Math.round(seconds) });
  return t('time.minutes', { n: Math.round(seconds / 60) });
}

const caseTypeLabel = (a) => a.case_type_label || t(`ivpa.case_type.${a.case_type}`);
const isOpen = (a) => a.active !== false && (a.status === 'alerted' || ENGAGED.has(a.status));
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
  }
  if (!isOpen(merged) || !ENGAGED.has(merged.status)) delete merged.destination;
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
  if (event.type === 'alert.created') incoming.active = true;
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

/* ---------- the test alarm ---------- */

function testArrived(d) {
  const pressed = state.testPressedAt;
  const seconds = pressed != null ? (performance.now() - pressed) / 1000
    : Math.max(0, (serverNow() - Date.parse(d.sent_at)) / 1000);
  state.testPressedAt = null;
  $('p-test-result').textContent = t('responder.test_received', { s: number1.format(seconds) });
  $('p-test-result').dataset.state = 'received';
  alarm();
}

$('p-test').addEventListener('click', async () => {
  const button = $('p-test');
  button.disabled = true;
  state.testPressedAt = performance.now();
  $('p-test-result').textContent = t('responder.test_sent');
  $('p-test-result').dataset.state = 'sent';
  try {
    await api('/api/ivpa/me/test-alarm/', { method: 'POST' });
  } catch (err) {
    state.testPressedAt = null;
    $('p-test-result').textContent = err.detail;
    $('p-test-result').dataset.state = 'error';
  } finally {
    setTimeout(() => { button.disabled = false; }, 3000);
  }
});

/* ---------- profile, availability and position ---------- */

async function loadProfile() {
  try {
    state.profile = await api('/api/ivpa/me/');
    if (state.profile.position_at) state.positionAt = state.profile.position_at;
  } catch (err) {
    if (err.status !== 0) notify(err.detail, 'error');
  }
  renderProfile();
  positionLoop();
}

async function updateProfile(body, { quiet = false } = {}) {
  try {
    state.profile = await api('/api/ivpa/me/', { method: 'PATCH', body });
    if (!state.profile.available) state.positionAt = null;
    if (!quiet) notify(t('responder.saved'), 'ok');
    renderProfile();
    positionLoop();
    return true;
  } catch (err) {
    notify(err.detail, 'error');
    renderProfile();
    return false;
  }
}

let positionTimer = null;
let loopInterval = null;

/** While available: share a coarse position (low accuracy is enough) at the chosen interval. */
function positionLoop() {
  const interval = state.profile?.available ? state.profile.position_interval_s : null;
  if (interval === loopInterval) return;
  clearInterval(positionTimer);
  positionTimer = null;
  loopInterval = interval;
  if (!interval || !navigator.geolocation) return;
  sharePosition();
  positionTimer = setInterval(sharePosition, interval * 1000);
}

function sharePosition() {
  navigator.geolocation.getCurrentPosition(async (pos) => {
    if (!state.profile?.available) return;
    state.positionDenied = false;
    const skew = serverNow().getTime() - Date.now();
    const at = new Date(Math.min(pos.timestamp || Date.now(), Date.now()) + skew).toISOString();
    try {
      const answer = await api('/api/ivpa/me/position/', {
        method: 'POST', body: { latitude: pos.coords.latitude, longitude: pos.coords.longitude, at },
      });
      state.positionAt = answer.position_at;
    } catch (err) {
      if (err.status >= 400 && err.status < 500) notify(err.detail, 'error');
    }
    renderProfile();
  }, (err) => {
    state.positionDenied = err.code === 1;
    renderProfile();
  }, { enableHighAccuracy: false, maximumAge: 60000, timeout: 60000 });
}

$('p-available').addEventListener('click', () => {
  if (!state.profile) return;
  updateProfile({ available: !state.profile.available }, { quiet: true });
});
$('p-interval').addEventListener('change', () => {
  updateProfile({ position_interval_s: Number($('p-interval').value) });
});
$('p-hours-save').addEventListener('click', () => {
  const start = $('p-hours-start').value || null;
  const end = $('p-hours-end').value || null;
  updateProfile({ hours_start: start, hours_end: end });
});
$('p-training-save').addEventListener('click', async () => {
  const confirm = $('p-training-confirm');
  if (!confirm.checked) {
    confirm.focus();
    confirm.reportValidity?.();
    return;
  }
  if (await updateProfile({ training: $('p-training').value, training_confirmed: true })) {
    confirm.checked = false;
  }
});

function renderProfile() {
  const p = state.profile;
  $('profile').hidden = !p;
  if (!p) return;
  const toggle = $('p-available');
  toggle.setAttribute('aria-pressed', String(p.available));
  toggle.textContent = p.available ? t('responder.available') : t('responder.unavailable');
  toggle.classList.toggle('is-on', p.available);
  $('p-available-text').textContent = p.available ? t('responder.available_on') : t('responder.available_off');
  const position = $('p-position');
  position.hidden = !p.available;
  position.textContent = state.positionDenied ? t('responder.position_denied')
    : state.positionAt ? t('responder.position_at', { time: fmtTime(state.positionAt) })
      : t('responder.position_none');
  position.classList.toggle('is-warning', state.positionDenied);
  if (document.activeElement !== $('p-interval')) $('p-interval').value = String(p.position_interval_s);
  if (document.activeElement !== $('p-hours-start')) $('p-hours-start').value = (p.hours_start || '').slice(0, 5);
  if (document.activeElement !== $('p-hours-end')) $('p-hours-end').value = (p.hours_end || '').slice(0, 5);
  if (p.training && document.activeElement !== $('p-training')) $('p-training').value = p.training;
  const until = p.training_valid_until ? new Date(p.training_valid_until) : null;
  const expired = until && until < new Date();
  $('p-training-until').textContent = until
    ? t('responder.valid_until', { date: dateFormat.format(until) }) : t('responder.not_confirmed');
  $('p-training-until').classList.toggle('is-warning', !until || expired);
  $('p-week').textContent = t('responder.alerts_week', { n: p.alerts_last_7_days ?? 0 });
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

const navUrl = (lat, lon) => `https://www.google.com/maps/dir/?api=1&destination=${lat},${lon}&travelmode=walking`;

function render() {
  renderAlert();
  checkShown();
}

function renderAlert() {
  const a = shownAlert();
  $('idle').hidden = Boolean(a);
  const card = $('alert');
  card.hidden = !a;
  renderSync(outbox.flushing);
  if (!a) {
    document.title = 'IVPA · Larmkedjan';
    return;
  }
  const open = isOpen(a);
  const status = a.status === 'alerted' && a.seen_at ? 'alerted' : a.status;
  card.dataset.id = a.id;
  card.dataset.status = a.status;
  card.dataset.active = String(a.active !== false);
  card.classList.toggle('is-ringing', open && a.status === 'alerted');
  const badge = $('al-status');
  badge.className = `badge al-status ivpa-st-${a.status}`;
  badge.textContent = t(`ivpa.status.${status}`);
  $('al-time').textContent = fmtTime(a.alerted_at, true);
  $('al-type').textContent = caseTypeLabel(a);
  document.title = `${caseTypeLabel(a)} · IVPA`;
  $('al-distance').textContent = t('responder.distance', { distance: distanceText(a.distance_m) });
  $('al-eta').textContent = a.eta_s != null ? t('responder.eta', { eta: durationText(a.eta_s) }) : '';
  $('al-eta').hidden = !open;

  const answering = open && a.status === 'alerted';
  $('al-answer').hidden = !answering;
  const cooling = Date.now() < cooldownUntil;
  for (const id of ['al-accept', 'al-decline', 'al-arrived']) $(id).disabled = cooling;
  const note = $('al-note');
  note.hidden = true;
  if (a.status === 'declined' && a.active !== false) {
    note.hidden = false;
    note.textContent = t('responder.declined');
  } else if (open && a.status === 'accepted' && a.accepted_at) {
    note.hidden = false;
    note.textContent = t('responder.accepted_at', { time: fmtTime(a.accepted_at) });
  }

  const engaged = open && ENGAGED.has(a.status);
  $('al-dest').hidden = !engaged;
  if (engaged) renderDestination(a);

  const end = $('al-end');
  const ended = !open && !(a.status === 'declined' && a.active !== false);
  end.hidden = !ended;
  end.dataset.kind = a.status === 'not_needed' ? 'not_needed' : a.status === 'stood_down' ? 'stood_down' : 'ended';
  if (ended) {
    let text;
    if (a.status === 'not_needed') text = `${t('responder.not_needed')} ${t('responder.not_needed_more')}`;
    else if (a.status === 'stood_down' && a.end_reason !== 'ambulance_arrived') {
      text = a.end_reason ? t('responder.ended', { reason: t(`ivpa.end.${a.end_reason}`) })
        : t('responder.stood_down');
    } else if (a.end_reason) {
      text = `${t('responder.ended', { reason: t(`ivpa.end.${a.end_reason}`) })} ${t('responder.thanks')}`;
    } else text = t('responder.stood_down');
    $('al-end-text').textContent = text;
    const after = a.after || null;
    $('al-after-outcome').hidden = !after?.outcome;
    $('al-after-outcome').textContent = after?.outcome ? t('responder.outcome', { outcome: after.outcome }) : '';
    $('al-after-debrief').hidden = !after?.debrief_contact;
    $('al-after-debrief').textContent = after?.debrief_contact
      ? t('responder.debrief', { contact: after.debrief_contact }) : '';
  }
  const reportable = a.active === false && Boolean(a.accepted_at) && ENGAGED.has(a.status);
  const form = $('report');
  const showForm = reportable && !a.report;
  if (showForm && form.hidden) fillReport(a);
  form.hidden = !showForm;
  form.dataset.alert = a.id;
  $('report-done').hidden = !(reportable && a.report);
  $('report-done').textContent = a.report ? t('responder.report_sent') : '';
  $('al-close').hidden = open;
}

function renderDestination(a) {
  const dest = a.destination;
  $('al-route').textContent = a.route === 'aed' ? t('responder.aed_first') : t('responder.direct');
  $('al-route').dataset.route = a.route || '';
  const aed = dest?.aed || null;
  $('al-aed').hidden = !(a.route === 'aed' && aed);
  if (aed) {
    $('al-aed-name').textContent = aed.name;
    $('al-aed-location').textContent = [aed.location, aed.address].filter(Boolean).join(', ');
    $('al-aed-code-row').hidden = !aed.access_code;
    $('al-aed-code').textContent = aed.access_code || '';
    $('al-aed-hours').textContent = aed.opening_hours || '';
    $('al-aed-nav').href = navUrl(aed.latitude, aed.longitude);
  }
  $('al-address').textContent = dest?.address || '…';
  $('al-municipality').textContent = dest?.municipality || '';
  $('al-door-row').hidden = !dest?.door_code;
  $('al-door').textContent = dest?.door_code || '';
  const nav = $('al-nav');
  nav.hidden = !dest;
  if (dest) nav.href = navUrl(dest.latitude, dest.longitude);
  $('al-arrived').hidden = a.status !== 'accepted';
  $('al-arrived-at').hidden = a.status !== 'arrived';
  $('al-arrived-at').textContent = a.arrived_at ? t('responder.arrived_at', { time: fmtTime(a.arrived_at) }) : '';
}

/* ---------- the report after the case ---------- */

function localTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

function fillReport(a) {
  const form = $('report');
  form.reset();
  $('r-arrived').value = localTime(a.arrived_at);
  $('report-error').hidden = true;
}

function yesNo(name) {
  const value = $('report').querySelector(`input[name="${name}"]:checked`)?.value;
  return value === 'yes' ? true : value === 'no' ? false : null;
}

$('report').addEventListener('submit', async (event) => {
  event.preventDefault();
  const id = Number($('report').dataset.alert);
  const a = state.alerts.get(id);
  if (!a) return;
  const body = {
    cpr_started: yesNo('cpr_started'),
    aed_attached: yesNo('aed_attached'),
    aed_shocks: $('r-shocks').value === '' ? null : Number($('r-shocks').value),
    notes: $('r-notes').value.trim(),
    wellbeing: Number($('report').querySelector('input[name="wellbeing"]:checked')?.value) || null,
    wants_debrief: $('r-debrief').checked,
  };
  const time = $('r-arrived').value;
  if (time && a.accepted_at) {
    const [h, m] = time.split(':').map(Number);
    const day = new Date(a.accepted_at);
    const arrived = new Date(day.getFullYear(), day.getMonth(), day.getDate(), h, m);
    if (arrived < day && day - arrived > 12 * 3600 * 1000) arrived.setDate(arrived.getDate() + 1);
    body.arrived_at = new Date(Math.max(arrived.getTime(), Date.parse(a.accepted_at))).toISOString();
  }
  const submit = $('report-submit');
  submit.disabled = true;
  try {
    const report = await api(`/api/ivpa/alerts/${id}/report/`, { method: 'POST', body });
    applyAlert({ ...state.alerts.get(id), report }, { fresh: true });
    refreshAlert(id);
  } catch (err) {
    $('report-error').hidden = false;
    $('report-error').textContent = err.detail;
  } finally {
    submit.disabled = false;
  }
});

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
