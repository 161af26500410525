/* The first responder's own settings on the phone: available or not (while available, a
   coarse position shared at the chosen interval), the hours, the training and when it is valid
   until, the alerts of the last week, and a test alarm that says how long the way to the phone
   took. GET/PATCH /api/ivpa/me/, POST /api/ivpa/me/position/ and /api/ivpa/me/test-alarm/. */

import { api, fmtTime, notify, serverNow, t } from './common.js';
import { alarm } from './sound.js';

const $ = (id) => document.getElementById(id);
const LANG = document.documentElement.lang || 'sv';
const number1 = new Intl.NumberFormat(LANG, { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const dateFormat = new Intl.DateTimeFormat(LANG, { year: 'numeric', month: 'long', day: 'numeric' });
const state = {
  profile: null,
  positionAt: null,
  positionDenied: false,
  testPressedAt: null,
};

/* ---------- the test alarm ---------- */

/** alert.test: the test alarm reached the phone. */
export function testArrived(d) {
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

export async function loadProfile() {
  try {
    state.profile = await api('/api/ivpa/me/');
    if (state.profile.position_at) state.positionAt = state.profile.position_at;
  } catch (err) {
    if (err.status !== 0) notify(err.detail, 'error');
  }
  renderProfile();
  $('profile').removeAttribute('aria-busy'); // responder.css: shown now, filled in
  positionLoop();
}

/** A new alert counts in "alerts in the last 7 days" at once: the server's count again. */
export async function alertCounted() {
  try {
    const fresh = await api('/api/ivpa/me/');
    if (state.profile) state.profile = { ...state.profile, alerts_last_7_days: fresh.alerts_last_7_days };
  } catch { /* no network: the count follows with the next profile */ }
  renderProfile();
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

/* Where the vetting of the volunteer's training stands, in plain words: until a coordinator
   (or an administrator) has approved it, no alert reaches them. */
function renderApproval(p) {
  const notice = $('p-approval');
  const state = p.approval;
  notice.hidden = !state;
  if (!state) return;
  notice.dataset.approval = state;
  const until = state === 'approved' ? dateFormat.format(new Date(`${p.approved_until}T00:00`)) : '';
  notice.textContent = t(state === 'approved' ? 'responder.approval_approved'
    : state === 'expired' ? 'responder.approval_expired'
      : state === 'revoked' ? 'responder.approval_revoked' : 'responder.approval_pending',
  { date: until });
  notice.classList.toggle('is-warning', state !== 'approved');
}

function renderProfile() {
  const p = state.profile;
  $('profile').hidden = !p;
  if (!p) return;
  const toggle = $('p-available');
  toggle.setAttribute('aria-pressed', String(p.available));
  toggle.textContent = p.available ? t('responder.available') : t('responder.unavailable');
  toggle.classList.toggle('is-on', p.available);
  const approval = p.approval; // null for a unit: units are not vetted this way
  const vetted = !approval || approval === 'approved';
  $('p-available-text').textContent = !p.available ? t('responder.available_off')
    : vetted ? t('responder.available_on') : t('responder.available_waiting');
  renderApproval(p);
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
