/* The panic alarm (*överfallslarm*) on the console: a red banner above everything else for
   each open alarm (unit, crew member, case and address, time, last position), a marker on the
   map moved with each `panic.position`, and the alarm tone repeated until a dispatcher
   acknowledges. "Kvittera" sends /acknowledge/; the one who wins is shown on every console
   (`panic.acknowledged`) and each stops ringing; the one who lost gets 409 and sees who won.
   A cancelled or closed alarm leaves the banner. On load (and after the stream's reset) the
   open alarms come from GET /api/safety/panic/, so a reload still shows them. */

import { api, el, fmtTime, notify, t } from './common.js';
import { markPanic, unmarkPanic, zoomTo } from './console-map.js';
import { alarm as ring } from './sound.js';

const OPEN = new Set(['raised', 'acknowledged']);
const RING_EVERY_MS = 4000;

const alarms = new Map(); // id -> ALARM
const notes = new Map(); // id -> a line under the alarm (who acknowledged first, escalation)
let banner = null;
let ringing = null;

function bannerNode() {
  if (!banner) {
    banner = el('section', {
      id: 'panic-banner', class: 'panic-banner', role: 'alert', 'aria-labelledby': 'panic-banner-title', hidden: true,
    });
    document.body.prepend(banner);
  }
  return banner;
}

function position(a) {
  if (a.latitude == null || a.longitude == null) return t('console.panic.no_position');
  return t('console.panic.position_at', {
    lat: Number(a.latitude).toFixed(5), lon: Number(a.longitude).toFixed(5),
    m: a.accuracy_m != null ? Math.round(a.accuracy_m) : '?', time: fmtTime(a.position_at || a.raised_at, true),
  });
}

async function post(a, action, body) {
  try {
    const answer = await api(`/api/safety/panic/${a.id}/${action}/`, { method: 'POST', body });
    if (answer && answer.id != null) take(answer);
  } catch (err) {
    if (err.status === 409 && err.body?.alarm) {
      const won = err.body.alarm;
      if (action === 'acknowledge') notes.set(a.id, t('console.panic.already', { name: won.acknowledged_by_name || '' }));
      take(won);
    } else {
      notify(err.detail, 'error');
    }
  }
}

function card(a) {
  const acknowledged = a.state === 'acknowledged';
  const fact = (label, value) => (value ? el('div', {}, el('dt', {}, label), el('dd', {}, value)) : null);
  const actions = el('div', { class: 'panic-actions' },
    acknowledged ? null : el('button', {
      type: 'button', class: 'btn panic-ack', onclick: (e) => { e.currentTarget.disabled = true; post(a, 'acknowledge', {}); },
    }, t('console.panic.acknowledge')),
    a.latitude != null ? el('button', {
      type: 'button', class: 'btn btn-ghost panic-show', onclick: () => zoomTo(a.latitude, a.longitude),
    }, t('console.panic.show')) : null,
    el('button', {
      type: 'button', class: 'btn btn-ghost panic-close', onclick: () => post(a, 'close', {}),
    }, t('console.panic.close')));
  return el('article', { class: `panic-alarm${acknowledged ? ' is-acknowledged' : ''}`, dataset: { alarm: a.id, state: a.state } },
    el('h2', { class: 'panic-alarm-title' }, `${t('console.panic.title')} · ${a.unit_call_sign || ''}`),
    el('dl', { class: 'panic-facts' },
      fact(t('console.panic.raised_by'), a.raised_by_name),
      fact(t('console.panic.case'), a.case_reference),
      fact(t('console.panic.address'), a.address),
      fact(t('console.panic.raised_at'), fmtTime(a.raised_at, true)),
      fact(t('console.panic.position'), position(a))),
    acknowledged ? el('p', { class: 'panic-acked' }, t('console.panic.acknowledged', {
      name: a.acknowledged_by_name || '', time: fmtTime(a.acknowledged_at, true),
    })) : null,
    notes.has(a.id) ? el('p', { class: 'panic-note' }, notes.get(a.id)) : null,
    a.escalated_at && !acknowledged ? el('p', { class: 'panic-note' }, t('console.panic.escalated')) : null,
    actions);
}

function render() {
  const node = bannerNode();
  const open = [...alarms.values()].filter((a) => OPEN.has(a.state))
    .sort((x, y) => String(y.raised_at).localeCompare(String(x.raised_at)));
  node.hidden = !open.length;
  // Drawn again on each position: the focus stays on the same button of the same alarm.
  const active = node.contains(document.activeElement) ? document.activeElement : null;
  const focusAlarm = active?.closest('[data-alarm]')?.dataset.alarm;
  const focusClass = active?.classList[active.classList.length - 1];
  node.replaceChildren(
    el('h2', { id: 'panic-banner-title', class: 'visually-hidden' }, t('console.panic.title')),
    ...open.map(card));
  if (focusAlarm && focusClass) {
    node.querySelector(`[data-alarm="${focusAlarm}"] .${focusClass}`)?.focus({ preventScroll: true });
  }
  const unacknowledged = open.some((a) => a.state === 'raised');
  node.dataset.ringing = unacknowledged ? 'yes' : 'no';
  if (unacknowledged && !ringing) {
    ring();
    ringing = setInterval(ring, RING_EVERY_MS);
  } else if (!unacknowledged && ringing) {
    clearInterval(ringing);
    ringing = null;
  }
}

function mark(a) {
  if (OPEN.has(a.state) && a.latitude != null && a.longitude != null) {
    markPanic(a.id, a.latitude, a.longitude, t('console.panic.marker', { unit: a.unit_call_sign || '' }));
  } else {
    unmarkPanic(a.id);
  }
}

/** Take in the server's view of an alarm. */
function take(a) {
  const known = alarms.get(a.id);
  // A position heard after this view was made stays.
  const merged = known?.position_at && a.position_at && known.position_at > a.position_at
    ? { ...a, latitude: known.latitude, longitude: known.longitude, accuracy_m: known.accuracy_m, position_at: known.position_at }
    : a;
  if (OPEN.has(merged.state)) alarms.set(a.id, merged);
  else {
    alarms.delete(a.id);
    notes.delete(a.id);
  }
  mark(merged);
  render();
}

/** The dispatch stream's panic events (true: it was one). */
export function panicConsoleEvent(event) {
  if (!event.type.startsWith('panic.')) return false;
  const d = event.data || {};
  if (event.type === 'panic.position') {
    const a = alarms.get(d.alarm);
    if (a) take({ ...a, latitude: d.latitude, longitude: d.longitude, accuracy_m: d.accuracy_m, position_at: d.at });
    return true;
  }
  const a = d.alarm;
  if (!a || typeof a !== 'object') return true;
  const was = alarms.has(a.id);
  take(a);
  if (was && event.type === 'panic.cancelled') {
    notify(t('console.panic.cancelled', { unit: a.unit_call_sign || '', reason: a.cancel_reason || '' }), 'warn', { timeout: 30000 });
  } else if (was && event.type === 'panic.closed') {
    notify(t('console.panic.closed', { unit: a.unit_call_sign || '' }), 'info');
  }
  return true;
}

/** The open alarms as the server has them (on load, after the stream's reset). */
export async function panicConsoleLoad() {
  try {
    const open = await api('/api/safety/panic/');
    const list = Array.isArray(open) ? open : open?.results || [];
    const ids = new Set(list.map((a) => a.id));
    for (const id of [...alarms.keys()]) {
      if (!ids.has(id)) {
        alarms.delete(id);
        unmarkPanic(id);
      }
    }
    list.forEach(take);
    render();
  } catch (err) {
    if (err.status !== 0) notify(err.detail, 'error');
  }
}
