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
   kept through a dead zone, and a refusal shown with the server's reason until seen. */

import {
  api, el, fmtTime, isOffline, notify, placeInOrder, serverNow, t, twoStep, uuid,
} from './common.js';
import { FieldScreen } from './field.js';
import { alarm } from './sound.js';
import { dropCurrent, loadCurrent, saveCurrent } from './store.js';
import { table } from './tables.js';
import { referralNews2, referralVitals, vitalsText } from './vitals.js';

const REPEAT_ALARM_MS = 60000;
/** The server's referral rules (frontend/tables.py): open and unanswered states, the outcomes,
    the priorities a "needs ambulance" outcome may ask for and the centre's default. */
const REFERRAL = table('referral');

const $ = (id) => document.getElementById(id);
const state = {
  profile: null,
  referrals: new Map(), // id -> referral (from the API)
  alarmed: new Set(),
  drafts: new Map(), // id -> {visit, reason, note}: what was typed, kept over redraws
  skills: null, // what a unit may offer (from the server)
  units: null, // the mobile care units, to join one
};

/* Who the user is (field.me), the stream, the outbox (field.outbox.list: the answers not yet
   sent, or refused and not yet seen), joining and leaving the unit. */
const field = new FieldScreen({
  root: $('mobile'),
  onMe,
  onEvent,
  onReset: () => loadReferrals(),
  outbox: {
    mine: (change) => change.referral != null,
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

/* ---------- referrals ---------- */

const stateOf = (r) => String(r.state || r.status || 'sent');
/** Waiting for the unit's answer (it rings until answered). */
const isUnanswered = (r) => REFERRAL.unanswered.includes(stateOf(r));
const isAccepted = (r) => stateOf(r) === 'accepted';
const lineOf = (r) => (String(r.line || '').startsWith('warm') || r.line === 'red' ? 'warm' : 'cold');
const handover = (r) => r.handover || {};
const outcomeOf = (r) => r.outcome?.outcome || r.outcome || null;
const outcomeNote = (r) => r.outcome?.note ?? r.outcome_note ?? '';

/** Whether the server says the unit holds the responsibility (accepted or visited). */
function unitResponsible(r) {
  const who = r.responsible ?? r.responsible_party ?? r.responsibility;
  if (typeof who === 'string') return who === 'unit' || who.startsWith('unit');
  if (who && typeof who === 'object') return who.kind === 'unit' || who.type === 'unit' || who.unit != null;
  return isAccepted(r) || (stateOf(r) === 'visited');
}

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

/* ---------- the unit's profile ---------- */

const asList = (v) => (Array.isArray(v) ? v : String(v || '').split(',').map((x) => x.trim()).filter(Boolean));

async function loadProfile() {
  if (!field.me?.unit) return;
  try {
    state.profile = await api(`/api/referrals/units/${field.me.unit}/profile/`);
    fillProfile();
  } catch (err) {
    if (err.status !== 0) notify(err.detail, 'error');
  }
  renderProfileState();
}

function skillChoices() {
  const known = JSON.parse(document.getElementById('i18n')?.textContent || '{}').referral?.skill || {};
  const values = state.skills?.length ? [...state.skills] : Object.keys(known);
  for (const s of asList(state.profile?.skills)) if (!values.includes(s)) values.push(s);
  return values.map((value) => ({ value, label: skillLabel(value) }));
}

function skillLabel(code) {
  const label = t(`referral.skill.${code}`);
  return label === `referral.skill.${code}` ? code.replace(/_/g, ' ') : label;
}

function fillProfile() {
  const p = state.profile || {};
  $('p-area').value = asList(p.municipalities).join(', ');
  $('p-hours').value = p.opening_hours ?? '';
  $('p-capacity').value = p.capacity ?? '';
  const mine = new Set(asList(p.skills));
  const box = $('p-skills');
  const legend = box.querySelector('legend');
  box.replaceChildren(legend, ...skillChoices().map(({ value, label }) =>
    el('label', { class: 'check' },
      el('input', { type: 'checkbox', name: 'skills', value, checked: mine.has(value) }), ' ', label)));
}

function renderProfileState() {
  const p = state.profile;
  const on = Boolean(p?.available);
  const button = $('p-available');
  // Not before the unit's state is known: a tap on the placeholder "off" would switch it off.
  button.disabled = !p;
  button.setAttribute('aria-pressed', String(on));
  button.classList.toggle('is-on', on);
  $('p-available-text').textContent = p ? (on ? t('mobile.available_on') : t('mobile.available_off')) : '';
  const badge = $('unit-available');
  badge.hidden = !p;
  badge.className = `badge ${on ? 'st-available' : 'st-out_of_service'}`;
  badge.textContent = on ? t('mobile.badge_on') : t('mobile.badge_off');
  const load = p?.open_referrals;
  $('p-load').textContent = p && load != null && p.capacity != null
    ? t('mobile.load', { load, capacity: p.capacity }) : '';
}

async function patchProfile(body) {
  const box = $('profile-error');
  box.hidden = true;
  try {
    state.profile = { ...state.profile, ...await api(`/api/referrals/units/${field.me.unit}/profile/`, { method: 'PATCH', body }) };
    renderProfileState();
    return true;
  } catch (err) {
    box.hidden = false;
    box.textContent = err.detail;
    return false;
  }
}

$('p-available').addEventListener('click', async () => {
  if (!state.profile) return;
  const next = !state.profile.available;
  if (await patchProfile({ available: next })) notify(next ? t('mobile.available_on') : t('mobile.available_off'), 'ok');
});

$('profile').addEventListener('submit', async (e) => {
  e.preventDefault();
  const capacity = $('p-capacity').value.trim();
  const body = {
    municipalities: asList($('p-area').value),
    opening_hours: $('p-hours').value.trim(),
    skills: [...document.querySelectorAll('#p-skills input[name="skills"]:checked')].map((n) => n.value),
  };
  if (capacity !== '') body.capacity = Number(capacity);
  $('p-save').disabled = true;
  try {
    if (await patchProfile(body)) {
      fillProfile();
      notify(t('mobile.saved'), 'ok');
    }
  } finally {
    $('p-save').disabled = false;
  }
});

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
  if (change.referral == null) return;
  if (answer && answer.id === change.referral) upsertReferral(answer);
  else fetchReferral(change.referral);
  if (change.kind === 'outcome' && answer) {
    const newCase = answer.new_case_reference || answer.outcome_case_reference;
    notify(newCase ? t('mobile.outcome_case', { ref: newCase }) : t('mobile.outcome_sent'), 'ok');
  }
}

function onRefused(change, detail) {
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

/** "14:30" typed on the phone, as the next such moment on the server's clock. */
function visitTime(hhmm) {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm || '');
  if (!m) return null;
  const now = serverNow();
  const at = new Date(now);
  at.setHours(Number(m[1]), Number(m[2]), 0, 0);
  if (at.getTime() < now.getTime() - 15 * 60000) at.setDate(at.getDate() + 1);
  return at;
}

function defaultVisit(r) {
  const now = serverNow().getTime();
  const deadline = Date.parse(r.deadline);
  let at = now + 45 * 60000;
  if (!Number.isNaN(deadline) && deadline > now) at = Math.min(at, deadline);
  const d = new Date(Math.ceil(at / 300000) * 300000);
  if (!Number.isNaN(deadline) && d.getTime() > deadline) d.setTime(deadline);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

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
        const node = card(r);
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
  const open = list.filter(isUnanswered).length;
  $('referral-count').textContent = list.length ? `(${open ? t('mobile.open_n', { n: open }) : list.length})` : '';
  $('no-referrals').hidden = list.length > 0;
}

function draft(id) {
  if (!state.drafts.has(id)) state.drafts.set(id, {});
  return state.drafts.get(id);
}

function card(r) {
  const s = stateOf(r);
  const line = lineOf(r);
  const h = handover(r);
  const n = referralNews2(r);
  const pending = pendingFor(r.id);
  const waiting = pending.filter((c) => c.state === 'waiting');
  const ours = unitResponsible(r);
  const titleId = `r-title-${r.id}`;
  const node = el('article', {
    class: `referral line-${line} is-${s}${ours ? ' is-ours' : ''}`, 'aria-labelledby': titleId,
    dataset: { id: r.id, state: s, line, responsible: ours ? 'unit' : 'centre' },
  });
  node.append(
    el('header', { class: 'r-head' },
      el('span', { class: `line-badge line-${line}` }, t(`referral.line.${line}`)),
      el('span', { class: `badge r-state rs-${s}` }, t(`referral.state.${s}`) === `referral.state.${s}` ? s : t(`referral.state.${s}`)),
      el('span', { class: 'r-ref' }, r.case_reference || r.reference || '')),
    el('p', { class: 'r-from' }, t(`referral.from.${line}`)),
    el('h3', { id: titleId, class: 'r-reason' }, h.reason || r.reason || ''),
    responsibility(r, ours, waiting),
    el('p', { class: `r-deadline${isUnanswered(r) && Date.parse(r.deadline) < serverNow().getTime() ? ' is-late' : ''}` },
      t('referral.deadline', { time: fmtDateTime(r.deadline) })),
    el('p', { class: `news2 band-${n.band || 'none'}`, dataset: { score: n.score ?? '', band: n.band || '' } },
      n.score == null ? t('referral.news2_none')
        : `${t('referral.news2', { score: n.score })} · ${t(`referral.band.${n.band}`)}${n.complete ? '' : ` (${t('referral.news2_incomplete')})`}`),
    r.patient_withheld ? el('p', { class: 'r-withheld' }, t('mobile.patient_withheld')) : '',
    facts(r, h),
  );
  const actions = el('div', { class: 'r-actions' });
  if (waiting.length) {
    actions.append(el('p', { class: 'r-sync' }, t('mobile.waiting_change', { what: t(`mobile.change.${waiting.at(-1).kind}`) })));
  } else if (Array.isArray(r.actions) ? r.actions.includes('accept') : isUnanswered(r)) {
    actions.append(answerForm(r));
  } else if (Array.isArray(r.actions) ? r.actions.includes('outcome') : isAccepted(r)) {
    actions.append(outcomeForm(r));
  }
  node.append(actions);
  if (!r.patient_withheld) {
    node.append(el('p', { class: 'r-print' }, el('a', {
      href: `/api/referrals/${r.id}/summary/`, target: '_blank', rel: 'noopener', class: 'btn btn-ghost btn-small',
    }, t('referral.print'))));
  }
  return node;
}

function responsibility(r, ours, waiting) {
  const s = stateOf(r);
  if (ours) {
    return el('p', { class: 'r-resp is-ours', role: 'status' }, el('strong', {}, t('mobile.yours')),
      r.expected_visit_at && isAccepted(r) ? ` · ${t('mobile.visit_at', { time: fmtDateTime(r.expected_visit_at) })}` : '');
  }
  if (s === 'withdrawn') {
    return el('p', { class: 'r-resp is-ended' }, t('mobile.withdrawn'),
      r.withdraw_reason ? ` ${t('mobile.withdrawn_reason', { reason: r.withdraw_reason })}` : '');
  }
  if (s === 'declined') {
    return el('p', { class: 'r-resp is-ended' }, t('mobile.declined', { reason: r.decline_reason || r.reason_declined || '' }));
  }
  if (!REFERRAL.open.includes(s)) return el('p', { class: 'r-resp is-ended' }, t('referral.responsible_centre'));
  const accepting = waiting.some((c) => c.kind === 'accept');
  return el('p', { class: 'r-resp is-centre' }, t('referral.responsible_centre'),
    accepting ? ` · ${t('mobile.until_sent')}` : '');
}

function fmtDateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const today = d.toDateString() === serverNow().toDateString();
  return today ? fmtTime(iso) : `${d.toLocaleDateString(document.documentElement.lang || 'sv', { day: 'numeric', month: 'short' })} ${fmtTime(iso)}`;
}

function facts(r, h) {
  const phone = r.callback_number || h.callback_number || '';
  const pt = r.patient || {};
  const address = [pt.address || r.address, pt.municipality || r.municipality].filter(Boolean).join(', ');
  const who = [pt.name, pt.personal_identity_number].filter(Boolean).join(', ');
  const dest = pt.latitude != null && pt.longitude != null ? `${pt.latitude},${pt.longitude}` : null;
  const vitals = vitalsText(referralVitals(r));
  const outcome = outcomeOf(r);
  const newCase = r.new_case_reference || r.outcome_case_reference || r.new_case?.reference;
  return el('dl', { class: 'r-facts' },
    pt.safety_warning ? el('div', { class: 'r-safety' }, el('dt', {}, t('mobile.safety')), el('dd', {}, '⚠ ', pt.safety_warning)) : null,
    who ? el('div', {}, el('dt', {}, t('mobile.patient')), el('dd', { class: 'r-patient' }, who)) : null,
    h.assessment || r.assessment ? el('div', {}, el('dt', {}, t('referral.assessment')), el('dd', { class: 'r-assessment' }, h.assessment || r.assessment)) : null,
    vitals ? el('div', {}, el('dt', {}, t('referral.vitals')), el('dd', { class: 'r-vitals' }, vitals)) : null,
    phone ? el('div', {}, el('dt', {}, t('referral.callback')), el('dd', {},
      el('a', { class: 'r-callback', href: `tel:${String(phone).replace(/[^0-9+]/g, '')}` }, phone))) : null,
    address ? el('div', {}, el('dt', {}, t('referral.address')), el('dd', { class: 'r-address' }, address,
      dest ? el('a', {
        class: 'btn btn-ghost btn-small r-nav', target: '_blank', rel: 'noopener noreferrer',
        href: `https://www.google.com/maps/dir/?api=1&destination=${dest}`,
      }, t('mobile.navigate')) : null)) : null,
    pt.door_code ? el('div', {}, el('dt', {}, t('mobile.door_code')), el('dd', { class: 'r-door' }, pt.door_code)) : null,
    outcome ? el('div', {}, el('dt', {}, t('referral.outcome_label')), el('dd', { class: 'r-outcome', dataset: { outcome } },
      t(`referral.outcome.${outcome}`), r.referred_on_to ? ` (${r.referred_on_to})` : '',
      outcomeNote(r) ? ` – ${outcomeNote(r)}` : '',
      newCase ? ` · ${t('referral.new_case', { ref: newCase })}` : '')) : null);
}

function answerForm(r) {
  const d = draft(r.id);
  const visitId = `r-visit-${r.id}`;
  const reasonId = `r-decline-${r.id}`;
  const visit = el('input', { id: visitId, type: 'time', class: 'r-visit', value: d.visit || defaultVisit(r), required: true });
  visit.addEventListener('input', () => { d.visit = visit.value; });
  const accept = el('button', { type: 'button', class: 'btn btn-step btn-accept r-accept' }, t('mobile.accept'));
  accept.addEventListener('click', () => {
    const at = visitTime(visit.value);
    if (!at) {
      visit.setAttribute('aria-invalid', 'true');
      visit.focus();
      return;
    }
    state.drafts.delete(r.id);
    queue(r, 'accept', 'accept', { expected_visit_at: at.toISOString() });
  });
  const reason = el('input', { id: reasonId, type: 'text', class: 'r-decline-reason', maxlength: '300', value: d.reason || '' });
  reason.addEventListener('input', () => { d.reason = reason.value; });
  const decline = el('button', { type: 'button', class: 'btn btn-decline r-decline' }, t('mobile.decline'));
  decline.addEventListener('click', () => {
    if (!reason.value.trim()) {
      reason.setAttribute('aria-invalid', 'true');
      reason.focus();
      notify(t('mobile.decline_reason_needed'), 'warn');
      return;
    }
    state.drafts.delete(r.id);
    queue(r, 'decline', 'decline', { reason: reason.value.trim() });
  });
  return el('div', { class: 'r-answer' },
    el('div', { class: 'r-accept-row' },
      el('label', { class: 'field', for: visitId }, el('span', {}, t('mobile.visit_label')), visit), accept),
    el('div', { class: 'r-decline-row' },
      el('label', { class: 'field', for: reasonId }, el('span', {}, t('mobile.decline_label')), reason), decline));
}

function outcomeForm(r) {
  const d = draft(r.id);
  const noteId = `r-note-${r.id}`;
  const toId = `r-to-${r.id}`;
  const note = el('textarea', { id: noteId, class: 'r-note', maxlength: '2000', rows: '2' }, d.note || '');
  note.addEventListener('input', () => { d.note = note.value; });
  const to = el('input', { id: toId, type: 'text', class: 'r-referred-to', maxlength: '200', value: d.to || '' });
  to.addEventListener('input', () => { d.to = to.value; to.removeAttribute('aria-invalid'); });
  const priorityId = `r-priority-${r.id}`;
  const priority = el('select', { id: priorityId, class: 'r-priority' }, REFERRAL.ambulance.priorities.map((p) => el('option', {
    value: p, selected: p === (d.priority || REFERRAL.ambulance.default),
  }, t(`priority.${p}`) === `priority.${p}` ? p : t(`priority.${p}`))));
  priority.addEventListener('change', () => { d.priority = priority.value; });
  // The new case's complaint: the dispatcher sees it first; empty keeps the referral's.
  const complaintId = `r-complaint-${r.id}`;
  const complaint = el('input', {
    id: complaintId, type: 'text', class: 'r-complaint', maxlength: '200', value: d.complaint || '',
    placeholder: r.patient?.complaint || '',
  });
  complaint.addEventListener('input', () => { d.complaint = complaint.value; });
  const buttons = REFERRAL.outcomes.map((outcome) => {
    const button = el('button', {
      type: 'button', class: `btn r-outcome-btn out-${outcome}`, dataset: { outcome },
    }, t(`referral.outcome.${outcome}`));
    twoStep(button, t('mobile.outcome_confirm', { outcome: t(`referral.outcome.${outcome}`) }), () => {
      const body = { outcome, note: note.value.trim() };
      if (outcome === 'referred_on') {
        if (!to.value.trim()) { // to whom: the server asks for it, so ask before sending
          to.setAttribute('aria-invalid', 'true');
          to.focus();
          notify(t('mobile.referred_to_needed'), 'warn');
          return undefined;
        }
        body.referred_on_to = to.value.trim();
      }
      if (outcome === 'needs_ambulance') {
        body.priority = priority.value;
        if (complaint.value.trim()) body.complaint = complaint.value.trim();
      }
      state.drafts.delete(r.id);
      return queue(r, 'outcome', 'outcome', body);
    });
    return button;
  });
  return el('fieldset', { class: 'r-outcome-form' },
    el('legend', {}, t('mobile.outcome_title')),
    el('label', { class: 'field', for: noteId }, el('span', {}, t('mobile.outcome_note')), note),
    el('label', { class: 'field', for: toId }, el('span', {}, t('mobile.referred_to')), to),
    el('label', { class: 'field', for: priorityId }, el('span', {}, t('mobile.ambulance_priority')), priority),
    el('label', { class: 'field', for: complaintId }, el('span', {}, t('mobile.ambulance_complaint')), complaint),
    el('div', { class: 'r-outcome-buttons' }, buttons),
    el('p', { class: 'hint' }, t('mobile.ambulance_hint')));
}

/* ---------- stream ---------- */

function onEvent(event) {
  const d = event.data || {};
  if (event.type === 'care_unit.updated') {
    if (Number(d.unit) === Number(field.me?.unit)) {
      const typing = $('profile').contains(document.activeElement);
      state.profile = { ...state.profile, ...d };
      if (!typing) fillProfile();
      renderProfileState();
    }
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
    state.profile = null;
    await fillUnits();
  }
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
