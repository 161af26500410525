/* The mobile care unit's phone or tablet (God och nära vård): join the unit for the shift, set
   it available with its area, hours, skills and capacity, and answer the referrals the
   dispatch centre sends: accept with an expected visit time, or decline with a reason; after
   the visit, record the outcome.

   Responsibility is never guessed on this screen: until the server has the acceptance, the
   card says the dispatch centre is responsible (an acceptance still in the outbox says so);
   only an accepted referral says "the responsibility is yours".

   The unit's stream `unit.<id>` carries referral.created / .updated / .withdrawn; events carry
   no patient data, so each referral is fetched over HTTP (the read is logged). The start-up,
   the stream and joining and leaving the unit are the field screens' (field.js). Answers go
   through the outbox (outbox.js, as the crew's status taps): an idempotency key, sent in order,
   kept through a dead zone, and a refusal shown with the server's reason until seen.

   This module keeps the referrals, the outbox and the start-up; the unit's profile is
   mobile-profile.js's, a referral's card and answers mobile-referrals.js's. */

import {
  api, el, fmtTime, isOffline, notify, placeInOrder, serverNow, t, uuid,
} from './common.js';
import { FieldScreen } from './field.js';
import {
  clearProfile, loadProfile, openReferralsCounted, profileUpdated, setupProfile,
} from './mobile-profile.js';
import {
  isAccepted, isOpen, isUnanswered, referralCard, stateOf,
} from './mobile-referrals.js';
import {
  isPanicChange, panicEvent, panicLoad, panicRefused, panicSent, setupPanic,
} from './panic-button.js';
import { alarm } from './sound.js';
import { dropCurrent, loadCurrent, saveCurrent } from './store.js';

const REPEAT_ALARM_MS = 60000;

const $ = (id) => document.getElementById(id);
const state = {
  referrals: new Map(), // id -> referral (from the API)
  alarmed: new Set(),
  skills: null, // what a unit may offer (from the server)
  units: null, // the mobile care units, to join one
};

/* Who the user is (field.me), the stream, the outbox (field.outbox.list: the answers not yet
   sent, or refused and not yet seen), joining and leaving the unit. */
const field = new FieldScreen({
  root: $('mobile'),
  onMe,
  onEvent,
  // The referrals ride the unit's stream: only its reset reloads them (incident-mode's
  // subscription reloaded them once more at every start).
  onReset: (stream) => { if (stream === `unit.${field.me?.unit}`) loadReferrals(); },
  outbox: {
    mine: (change) => change.referral != null || isPanicChange(change),
    onSent,
    onRefused,
    onChange: () => {
      renderOutbox();
      render();
    },
    onSending: (sending) => { if (!sending) renderOutbox(); },
    dependsDetail: t('mobile.depends'),
  },
  unit: { leaveConfirm: t('mobile.leave_confirm'), left: t('mobile.you_left'), onLeft: () => state.referrals.clear() },
});
const { outbox } = field;
const USER = field.user;
setupProfile({ unit: () => field.me?.unit, skills: () => state.skills });
setupPanic({ outbox, joined: () => Boolean(field.me?.unit), unitLabel: () => field.me?.unit_call_sign || '' });

/* ---------- referrals ---------- */

function pendingFor(id) {
  return outbox.list.filter((c) => c.referral === id);
}

function upsertReferral(r) {
  if (!r || r.id == null) return;
  if (field.me?.unit && r.unit != null && Number(r.unit?.id ?? r.unit) !== Number(field.me.unit)) {
    state.referrals.delete(r.id); // taken away from this unit
  } else {
    state.referrals.set(r.id, { ...state.referrals.get(r.id), ...r });
  }
  const now = state.referrals.get(r.id);
  if (now && isUnanswered(now) && !state.alarmed.has(now.id)) {
    state.alarmed.add(now.id);
    alarm();
  }
  render();
}

async function fetchReferral(id) {
  try {
    upsertReferral(await api(`/api/referrals/${id}/`));
  } catch (err) {
    if (err.status === 403 || err.status === 404) {
      state.referrals.delete(id);
      render();
    } else if (err.status !== 0) {
      notify(err.detail, 'error');
    }
  }
}

let loaded = false; // the list was asked for once: from then on what is shown may be kept

async function loadReferrals() {
  if (!field.me?.unit) return;
  loaded = true;
  try {
    const list = await api('/api/referrals/');
    const items = Array.isArray(list) ? list : (list?.results || []);
    const seen = new Set(items.map((r) => r.id));
    for (const id of [...state.referrals.keys()]) if (!seen.has(id)) state.referrals.delete(id);
    // What the unit already had when the page opened rings once, not for each old one.
    for (const r of items) if (!isUnanswered(r)) state.alarmed.add(r.id);
    for (const r of items) upsertReferral(r);
  } catch (err) {
    if (err.status === 0) await restoreReferrals(); // no network: the referrals as last known
    else notify(err.detail, 'error');
  }
  render();
  $('referrals').removeAttribute('aria-busy'); // mobile.css: what is below the list shows now
}

/* ---------- the open referrals, kept for an offline start ---------- */

// Like the crew's current assignment: only what the unit holds open (sent or accepted), in
// IndexedDB (larmkedjan-data), wiped at sign-out and when the unit is left.
let persistTimer = null;
function persistReferrals() {
  clearTimeout(persistTimer);
  persistTimer = setTimeout(() => {
    if (!field.me?.unit) return;
    const open = [...state.referrals.values()].filter((r) => isUnanswered(r) || isAccepted(r));
    const job = open.length
      ? saveCurrent({ user: USER, unit: field.me.unit, referrals: open, at: serverNow().toISOString() })
      : dropCurrent(USER);
    job.catch(() => { /* private mode: nothing kept */ });
  }, 100);
}

async function restoreReferrals() {
  try {
    const kept = await loadCurrent(USER);
    if (!kept || kept.unit !== field.me?.unit || !Array.isArray(kept.referrals)) return;
    for (const r of kept.referrals) {
      if (state.referrals.has(r.id)) continue;
      state.alarmed.add(r.id); // known already: no new alarm for it
      upsertReferral(r);
    }
  } catch { /* nothing kept */ }
}
/* ---------- answers, through the outbox ---------- */

async function queue(referral, kind, action, body) {
  const key = uuid();
  await outbox.queue({
    key, kind, referral: referral.id, assignment: `referral-${referral.id}`,
    label: `${t(`mobile.change.${kind}`)} · ${referral.case_reference || referral.reference || `#${referral.id}`}`,
    url: `/api/referrals/${referral.id}/${action}/`, body: { ...body, idempotency_key: key },
  });
}

function onSent(change, answer) {
  if (panicSent(change, answer)) return;
  if (change.referral == null) return;
  if (answer && answer.id === change.referral) upsertReferral(answer);
  else fetchReferral(change.referral);
  if (change.kind === 'outcome' && answer) {
    const newCase = answer.new_case_reference;
    notify(newCase ? t('mobile.outcome_case', { ref: newCase }) : t('mobile.outcome_sent'), 'ok');
  }
}

function onRefused(change, detail) {
  if (panicRefused(change, detail)) return;
  if (change.referral == null) return;
  showRefusal(t('mobile.refused', { detail }));
  fetchReferral(change.referral);
}

function renderOutbox() {
  const waiting = outbox.list.filter((c) => c.state === 'waiting');
  $('outbox').hidden = !outbox.list.length;
  $('outbox-count').textContent = String(waiting.length);
  $('outbox-list').replaceChildren(...outbox.list.map((c) => {
    const at = fmtTime(c.createdAt, true);
    if (c.state === 'refused') {
      return el('li', { class: 'ob-item is-refused', dataset: { key: c.key, state: 'refused' } },
        el('span', { class: 'ob-what' }, `${c.label} ${at}`),
        el('span', { class: 'ob-state' }, t('mobile.refused', { detail: c.detail })),
        el('button', {
          type: 'button', class: 'btn btn-ghost ob-dismiss',
          onclick: async () => { await outbox.dismiss(c); hideRefusal(); },
        }, t('mobile.seen')));
    }
    return el('li', { class: 'ob-item', dataset: { key: c.key, state: 'waiting' } },
      el('span', { class: 'ob-what' }, `${c.label} ${at}`),
      el('span', { class: 'ob-state' }, isOffline() || !navigator.onLine ? t('mobile.queued') : t('mobile.sending')));
  }));
}

function showRefusal(message) {
  $('refusal-text').textContent = message;
  $('refusal').hidden = false;
}
function hideRefusal() { $('refusal').hidden = true; }
$('refusal-close').addEventListener('click', hideRefusal);

/* ---------- rendering ---------- */

const nodes = new Map(); // id -> {sig, node}

function sortKey(r) {
  const rank = isUnanswered(r) ? 0 : isAccepted(r) ? 1 : 2;
  return [rank, Date.parse(r.deadline) || 0];
}

function render() {
  const joined = Boolean(field.me?.unit);
  $('join').hidden = !field.me || joined;
  $('duty').hidden = !joined;
  $('unit-title').textContent = joined ? field.me.unit_call_sign || '' : '';
  document.title = joined ? `${field.me.unit_call_sign} · Larmkedjan` : 'Larmkedjan';
  if (!joined) return;
  if (loaded) persistReferrals();
  const list = [...state.referrals.values()].sort((a, b) => {
    const [ra, da] = sortKey(a);
    const [rb, db] = sortKey(b);
    return ra - rb || (ra === 2 ? db - da : da - db);
  });
  const box = $('referrals');
  const seen = new Set();
  const order = [];
  for (const r of list) {
    const pending = JSON.stringify(pendingFor(r.id).map((c) => [c.kind, c.state, c.detail]));
    const sig = JSON.stringify([r, pending, document.documentElement.lang, Math.floor(Date.now() / 30000)]);
    let entry = nodes.get(r.id);
    if (!entry || entry.sig !== sig) {
      const focused = entry?.node.contains(document.activeElement) ? document.activeElement : null;
      // Someone typing, or a button waiting for its second tap: redraw when they leave it,
      // not under their thumb (unless an answer of theirs was just queued or sent).
      const busy = focused && (focused.matches('input, textarea') || focused.classList.contains('is-armed'));
      if (busy && entry.pending === pending && stateOf(entry.r) === stateOf(r)) {
        entry.sig = '';
      } else {
        const node = referralCard(r, { pending: pendingFor(r.id), answer: queue });
        if (entry) entry.node.replaceWith(node);
        entry = { sig, node, pending, r };
        nodes.set(r.id, entry);
      }
    }
    order.push(entry.node);
    seen.add(r.id);
  }
  placeInOrder(box, order);
  for (const [id, entry] of nodes) {
    if (!seen.has(id)) {
      entry.node.remove();
      nodes.delete(id);
    }
  }
  if (loaded) openReferralsCounted([...state.referrals.values()].filter(isOpen).length);
  const open = list.filter(isUnanswered).length;
  $('referral-count').textContent = list.length ? `(${open ? t('mobile.open_n', { n: open }) : list.length})` : '';
  $('no-referrals').hidden = list.length > 0;
}

/* ---------- stream ---------- */

function onEvent(event) {
  const d = event.data || {};
  if (panicEvent(event)) return;
  if (event.type === 'care_unit.updated') {
    if (Number(d.unit) === Number(field.me?.unit)) profileUpdated(d);
    return;
  }
  if (!event.type.startsWith('referral.')) {
    if (event.type === 'crew.left' && d.user === field.me?.id) field.loadMe();
    return;
  }
  const id = d.id ?? d.referral;
  if (id == null) return;
  if (event.type === 'referral.withdrawn') {
    const known = state.referrals.get(id);
    if (known) upsertReferral({ ...known, ...d, id, state: 'withdrawn' });
    notify(t('mobile.withdrawn_notice', { ref: known?.case_reference || d.case_reference || '' }), 'warn', { timeout: 30000 });
  } else if (event.type === 'referral.created' && !state.referrals.has(id)) {
    notify(t('mobile.new'), 'warn');
  } else if (event.type === 'referral.overdue' || event.type === 'referral.deadline_passed') {
    // Still not answered (or not visited) in time: ring again and say so.
    notify(t(`mobile.${event.type === 'referral.overdue' ? 'overdue' : 'deadline_passed'}`,
      { ref: d.case_reference || '' }), 'error', { timeout: 30000 });
    alarm();
  }
  fetchReferral(id);
}

/* ---------- joining and leaving ---------- */

/** Who the user is, known or changed (start, join, leave): the unit's profile and referrals,
    or the units to join. */
async function onMe(me) {
  if (me.unit) {
    if (!state.skills) await loadCareUnits();
    await Promise.all([loadProfile(), loadReferrals()]);
  } else {
    state.referrals.clear();
    clearProfile();
    await fillUnits();
  }
  panicLoad();
  render();
}

/** The mobile care units (to join one) and the skills a unit may offer. */
async function loadCareUnits() {
  try {
    const answer = await api('/api/referrals/units/');
    state.skills = answer.skills || [];
    state.units = answer.units || [];
  } catch (err) {
    if (err.status !== 0) notify(err.detail, 'error');
  }
}

async function fillUnits() {
  const select = $('join-unit');
  if (select.options.length > 1) return;
  await loadCareUnits();
  const units = state.units || [];
  for (const u of units) select.append(el('option', { value: u.unit }, u.call_sign));
  if (units.length === 1) select.value = String(units[0].unit);
}

/* ---------- start ---------- */

setInterval(() => {
  if ([...state.referrals.values()].some((r) => isUnanswered(r) && !pendingFor(r.id).length)) alarm();
}, REPEAT_ALARM_MS);
setInterval(render, 30000); // deadlines turn late with time
$('referrals').addEventListener('focusout', () => setTimeout(render, 50));
field.start();
