/* The panic alarm (*överfallslarm*) on a field screen: the crew tablet (crew-panic.js) and the
   mobile care unit's phone (mobile.js) share this gesture and flow.

   The button sits fixed at the screen's right edge in a place the screen keeps free (panic.css),
   so it is always in reach and moves nothing when it appears. It is raised only by a deliberate
   hold (the page's table "panic".hold_ms, 2 s): a ring fills while the pointer, a gloved finger
   or Space/Enter is held; letting go early cancels, and a quick tap only says how it is done.

   The button and its hold are in panic-hold.js. Raising queues POST /api/safety/panic/ in the one outbox (outbox.js) with an idempotency key
   and the time it was raised, so offline it is kept and sent once the network is back; until
   the server has it, a one-tap SMS to the centre's alarm number (the table's sms_number) is
   offered with the unit and the last position. A full-screen state then follows the alarm on
   the unit's stream (panic.raised, .acknowledged, .escalated, .cancelled, .closed): "waiting
   for the dispatch centre", then "help is on the way – <dispatcher> acknowledged". While it is
   open the position goes to /positions/ every position_seconds; "False alarm – cancel" asks a
   reason (one tap, or the crew's own words) and sends /cancel/ through the outbox. */

import {
  api, el, fmtTime, isOffline, notify, serverNow, t, uuid,
} from './common.js';
import { panicButtonBuild } from './panic-hold.js';
import { table } from './tables.js';

const SETTINGS = { hold_ms: 2000, position_seconds: 5, sms_number: '', ...table('panic') };
const OPEN = new Set(['raised', 'acknowledged']);
const RAISE = 'panic';
const CANCEL = 'panic_cancel';

const panic = {
  outbox: null,
  unitLabel: () => '',
  assignment: () => null,
  joined: () => false,
  alarm: null, // the server's ALARM, or {key, raised_at} while only the outbox has it
  cancelReason: null, // a false alarm cancelled before the server had it
  fix: null, // the latest position {latitude, longitude, accuracy_m, at}
  sentFixAt: null,
  watch: null,
  timer: null,
  nodes: null,
};

/** Whether a change of the outbox is the panic alarm's (a screen's onSent/onRefused leave it
    to this module). */
export const isPanicChange = (change) => change?.kind === RAISE || change?.kind === CANCEL;

/** The outbox list's words for the alarm's changes (crew-outbox.js's outboxLabel). */
export function panicLabel(change) {
  if (change.kind === RAISE) return t('panic.outbox');
  if (change.kind === CANCEL) return t('panic.cancel');
  return null;
}

/* ---------- the full-screen state ---------- */

function buildScreen() {
  const title = el('h2', { id: 'panic-title', class: 'panic-title', tabindex: '-1' });
  const when = el('p', { class: 'panic-when' });
  const where = el('p', { class: 'panic-where' });
  const sms = el('a', { class: 'btn panic-sms', id: 'panic-sms', hidden: true }, t('panic.sms'));
  const reasonText = el('input', {
    id: 'panic-reason-text', maxlength: 200, autocomplete: 'off', enterkeyhint: 'send',
  });
  const reasonNote = el('p', { class: 'panic-reason-note', role: 'status' });
  const reasons = el('form', { class: 'panic-reasons', hidden: true, 'aria-labelledby': 'panic-reasons-title' },
    el('h3', { id: 'panic-reasons-title' }, t('panic.cancel_title')),
    el('div', { class: 'panic-reason-taps' },
      ['mistake', 'resolved', 'test'].map((code) => el('button', {
        type: 'button', class: 'btn panic-reason', onclick: () => cancelAlarm(t(`panic.reasons.${code}`)),
      }, t(`panic.reasons.${code}`)))),
    el('label', { class: 'panic-reason-own', for: 'panic-reason-text' }, t('panic.cancel_other')),
    reasonText,
    reasonNote,
    el('div', { class: 'panic-reason-actions' },
      el('button', { type: 'submit', class: 'btn panic-cancel-send' }, t('panic.cancel_send')),
      el('button', { type: 'button', class: 'btn btn-ghost panic-cancel-back', onclick: () => showReasons(false) },
        t('panic.cancel_back'))));
  reasons.addEventListener('submit', (event) => {
    event.preventDefault();
    const reason = reasonText.value.trim();
    if (!reason) {
      reasonNote.textContent = t('panic.cancel_needed');
      reasonText.focus();
      return;
    }
    cancelAlarm(reason);
  });
  const cancel = el('button', {
    type: 'button', class: 'btn panic-cancel', id: 'panic-cancel', onclick: () => showReasons(true),
  }, t('panic.cancel'));
  const screen = el('div', {
    id: 'panic-screen', class: 'panic-screen', role: 'alertdialog', 'aria-modal': 'true',
    'aria-labelledby': 'panic-title', hidden: true,
  }, el('div', { class: 'panic-screen-inner' }, title, when, where, sms, cancel, reasons));
  document.body.append(screen);
  return { screen, title, when, where, sms, cancel, reasons, reasonText, reasonNote };
}

function showReasons(open) {
  const n = panic.nodes;
  n.reasons.hidden = !open;
  n.cancel.hidden = open;
  n.reasonNote.textContent = '';
  if (open) n.reasons.querySelector('button')?.focus();
  else n.cancel.focus();
}

const offline = () => isOffline() || navigator.onLine === false;

function positionText() {
  const f = panic.fix || (panic.alarm?.latitude != null ? panic.alarm : null);
  return f ? `${Number(f.latitude).toFixed(5)},${Number(f.longitude).toFixed(5)}` : t('panic.no_position');
}

function smsHref() {
  const body = t('panic.sms_body', { unit: panic.unitLabel(), position: positionText() });
  return `sms:${SETTINGS.sms_number}?body=${encodeURIComponent(body)}`;
}

/** The state as it is now: the button while joined, the full screen while an alarm is open. */
function render() {
  const n = panic.nodes;
  if (!n) return;
  const a = panic.alarm;
  const open = Boolean(a) && (a.id == null || OPEN.has(a.state));
  n.slot.hidden = !panic.joined() || open;
  const wasHidden = n.screen.hidden;
  n.screen.hidden = !open;
  document.body.classList.toggle('is-panic', open);
  if (!open) return;
  const known = a.id != null;
  if (a.state === 'acknowledged') {
    n.title.textContent = t('panic.acknowledged', { name: a.acknowledged_by_name || '' });
    n.screen.dataset.state = 'acknowledged';
  } else if (!known && offline()) {
    n.title.textContent = t('panic.queued');
    n.screen.dataset.state = 'queued';
  } else {
    n.title.textContent = t('panic.sent');
    n.screen.dataset.state = known ? 'raised' : 'sending';
  }
  n.when.textContent = [
    t('panic.raised_at', { time: fmtTime(a.raised_at, true) }),
    a.acknowledged_at ? t('panic.acknowledged_at', { time: fmtTime(a.acknowledged_at, true) }) : '',
  ].filter(Boolean).join(' · ');
  n.where.textContent = panic.watch != null || panic.fix
    ? t('panic.position_on', { s: SETTINGS.position_seconds }) : t('panic.position_off');
  n.sms.hidden = known || !SETTINGS.sms_number;
  n.sms.setAttribute('href', smsHref());
  // The focus to the title, never to a button: a held Enter repeats, and a Space is let go
  // after the screen is up; either on "False alarm" would start cancelling.
  if (wasHidden) n.title.focus({ preventScroll: true });
}

/* ---------- raising, cancelling and the position ---------- */

function raise() {
  if (panic.alarm && (panic.alarm.id == null || OPEN.has(panic.alarm.state))) return;
  const key = uuid();
  const raisedAt = serverNow().toISOString();
  const body = { idempotency_key: key, raised_at: raisedAt };
  if (panic.fix) {
    Object.assign(body, {
      latitude: panic.fix.latitude, longitude: panic.fix.longitude, accuracy_m: panic.fix.accuracy_m,
    });
  }
  panic.alarm = { key, state: 'raised', raised_at: raisedAt };
  panic.cancelReason = null;
  startPosition();
  render();
  panic.outbox.queue({
    key, kind: RAISE, independent: true, priority: true, assignment: panic.assignment(), label: t('panic.outbox'),
    url: '/api/safety/panic/', body,
  }).catch((err) => notify(t('panic.refused', { detail: err.message || String(err) }), 'error'));
}

/** A false alarm: the reason goes with /cancel/ (queued); an alarm still only in the outbox is
    taken out of it, or cancelled as soon as its answer comes. */
async function cancelAlarm(reason) {
  const a = panic.alarm;
  if (!a) return;
  if (a.id == null) {
    const waiting = panic.outbox.list.find((c) => c.kind === RAISE && c.key === a.key && c.state === 'waiting');
    panic.cancelReason = reason;
    if (waiting) await panic.outbox.dismiss(waiting).catch(() => {});
  } else {
    const key = uuid();
    panic.outbox.queue({
      key, kind: CANCEL, independent: true, priority: true, label: t('panic.cancel'), url: `/api/safety/panic/${a.id}/cancel/`,
      body: { reason, idempotency_key: key },
    }).catch(() => {});
  }
  panic.alarm = { ...a, state: 'cancelled' };
  ended();
  notify(t('panic.cancelled'), 'info');
}

function ended() {
  stopPosition();
  if (panic.nodes) {
    panic.nodes.reasons.hidden = true;
    panic.nodes.cancel.hidden = false;
    panic.nodes.reasonText.value = '';
  }
  render();
}

function noteFix(pos) {
  if (!panic.alarm || (panic.alarm.id != null && !OPEN.has(panic.alarm.state))) return;
  panic.fix = {
    latitude: pos.coords.latitude, longitude: pos.coords.longitude,
    accuracy_m: pos.coords.accuracy != null ? Math.round(pos.coords.accuracy) : null,
    at: new Date(pos.timestamp || Date.now()).toISOString(),
  };
  if (panic.sentFixAt == null) sendPosition();
  render();
}

function startPosition() {
  if (panic.watch == null && navigator.geolocation) {
    panic.watch = navigator.geolocation.watchPosition(noteFix, () => {}, {
      enableHighAccuracy: true, maximumAge: 5000, timeout: 30000,
    });
  }
  if (panic.timer == null) panic.timer = setInterval(tick, SETTINGS.position_seconds * 1000);
  askPosition();
}

/** One position now: a watch may stay silent while the device stands still. */
function askPosition() {
  navigator.geolocation?.getCurrentPosition(noteFix, () => {}, {
    enableHighAccuracy: true, maximumAge: SETTINGS.position_seconds * 1000, timeout: 30000,
  });
}

function tick() {
  askPosition();
  sendPosition();
}

function stopPosition() {
  if (panic.watch != null) navigator.geolocation?.clearWatch(panic.watch);
  clearInterval(panic.timer);
  panic.watch = null;
  panic.timer = null;
}

/** The latest position, once the server has the alarm and when it is new: a lost one is not
    queued (the next comes in position_seconds). */
async function sendPosition() {
  const a = panic.alarm;
  const f = panic.fix;
  if (!a || a.id == null || !OPEN.has(a.state) || !f || f.at === panic.sentFixAt) return;
  try {
    await api(`/api/safety/panic/${a.id}/positions/`, { method: 'POST', body: f });
    panic.sentFixAt = f.at;
  } catch { /* offline or refused: the next one */ }
}

/* ---------- the server's view ---------- */

/** Take in the server's alarm (an answer, an event, a fetch). */
function adopt(alarm) {
  if (!alarm || alarm.id == null) return;
  const mine = panic.alarm;
  // An older alarm's news does not replace an open newer one.
  if (mine?.id != null && mine.id !== alarm.id && OPEN.has(mine.state) && !OPEN.has(alarm.state)) return;
  panic.alarm = { ...alarm };
  if (panic.cancelReason && OPEN.has(alarm.state)) {
    const reason = panic.cancelReason;
    panic.cancelReason = null;
    panic.alarm = alarm;
    cancelAlarm(reason);
    return;
  }
  if (OPEN.has(alarm.state)) {
    startPosition();
    sendPosition();
    render();
  } else {
    ended();
  }
}

/** The outbox sent one of the alarm's changes (true: it was the alarm's). */
export function panicSent(change, answer) {
  if (!isPanicChange(change)) return false;
  if (change.kind === RAISE && answer) adopt(answer);
  return true;
}

/** The server refused one of the alarm's changes: said on screen (true: it was the alarm's). */
export function panicRefused(change, detail) {
  if (!isPanicChange(change)) return false;
  // A cancel the server no longer needs (the alarm was closed or cancelled meanwhile).
  if (change.kind === CANCEL) panic.outbox.dismiss(change).catch(() => {});
  if (change.kind === RAISE && panic.alarm?.key === change.key) {
    panic.alarm = null;
    ended();
    notify(t('panic.refused', { detail }), 'error', { timeout: 30000 });
  }
  return true;
}

/** An event of the unit's stream (true: it was the alarm's). */
export function panicEvent(event) {
  if (!event.type.startsWith('panic.')) return false;
  const alarm = event.data?.alarm;
  if (alarm && typeof alarm === 'object') {
    const was = panic.alarm;
    adopt(alarm);
    if (event.type === 'panic.closed' && was && OPEN.has(was.state ?? 'raised')) notify(t('panic.closed'), 'info');
  }
  return true;
}

/** The unit's open alarm as the server has it, and one still in the outbox (after a reload). */
export async function panicLoad() {
  render();
  if (!panic.joined()) return;
  const waiting = panic.outbox.list.find((c) => c.kind === RAISE && c.state === 'waiting');
  if (waiting && !panic.alarm) {
    panic.alarm = { key: waiting.key, state: 'raised', raised_at: waiting.body.raised_at };
    startPosition();
    render();
  }
  try {
    const open = await api('/api/safety/panic/');
    const list = Array.isArray(open) ? open : open?.results || [];
    const newest = list.filter((a) => OPEN.has(a.state)).sort((x, y) => String(y.raised_at).localeCompare(String(x.raised_at)))[0];
    if (newest) adopt(newest);
    else if (panic.alarm?.id != null) {
      panic.alarm = null;
      ended();
    }
  } catch { /* offline: as known */ }
}

/**
 * Put the button on the screen.
 *   outbox: the screen's Outbox; joined(): whether the user is on a unit now;
 *   unitLabel(): the unit's call sign (the SMS); assignment(): the current assignment's id, or
 *   null (kept with the queued alarm).
 */
export function setupPanic({ outbox, joined, unitLabel, assignment = () => null }) {
  Object.assign(panic, { outbox, joined, unitLabel, assignment });
  const button = panicButtonBuild({ holdMs: SETTINGS.hold_ms, onRaise: raise });
  panic.nodes = { ...button, ...buildScreen() };
  addEventListener('online', render);
  addEventListener('offline', render);
  render();
}
