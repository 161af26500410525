/* A referral as the mobile care unit sees it: its state (as the server says it), its card
   (line, state, who is responsible, the deadline, NEWS2, the handover, the patient, the way
   there) and the answers it asks for: accept with an expected visit time or decline with a
   reason, and after the visit the outcome (referred on: to whom; needs an ambulance: the
   priority and the new case's complaint). What is typed is kept over redraws; an answer goes
   to the screen's outbox (answer()). */

import { el, fmtTime, notify, serverNow, t, twoStep } from './common.js';
import { table } from './tables.js';
import { referralNews2, referralVitals, vitalsText } from './vitals.js';

/** The server's referral rules (frontend/tables.py): open and unanswered states, the outcomes,
    the priorities a "needs ambulance" outcome may ask for and the centre's default. */
const REFERRAL = table('referral');
const drafts = new Map(); // id -> {visit, reason, note...}: what was typed, kept over redraws

export const stateOf = (r) => String(r.state || 'sent');
/** Waiting for the unit's answer (it rings until answered). */
export const isUnanswered = (r) => REFERRAL.unanswered.includes(stateOf(r));
export const isAccepted = (r) => stateOf(r) === 'accepted';
/** Between the centre and the unit (sent or accepted): what the unit's load counts. */
export const isOpen = (r) => REFERRAL.open.includes(stateOf(r));
const lineOf = (r) => (r.line === 'warm' ? 'warm' : 'cold');
const handover = (r) => r.handover || {};
const outcomeOf = (r) => r.outcome || null;
const outcomeNote = (r) => r.outcome_note || '';

/** Whether the server says the unit holds the responsibility (accepted or visited). */
function unitResponsible(r) {
  return r.responsible === 'unit';
}

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

function draft(id) {
  if (!drafts.has(id)) drafts.set(id, {});
  return drafts.get(id);
}

/** The card of referral r; pending: its answers in the outbox (waiting or refused);
    answer(referral, kind, action, body): queue an answer. */
export function referralCard(r, { pending, answer }) {
  const s = stateOf(r);
  const line = lineOf(r);
  const h = handover(r);
  const n = referralNews2(r);
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
      el('span', { class: 'r-ref' }, r.case_reference || '')),
    el('p', { class: 'r-from' }, t(`referral.from.${line}`)),
    el('h3', { id: titleId, class: 'r-reason' }, h.reason || ''),
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
    actions.append(answerForm(r, answer));
  } else if (Array.isArray(r.actions) ? r.actions.includes('outcome') : isAccepted(r)) {
    actions.append(outcomeForm(r, answer));
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
    return el('p', { class: 'r-resp is-ended' }, t('mobile.declined', { reason: r.decline_reason || '' }));
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
  const phone = r.callback_number || '';
  const pt = r.patient || {};
  const address = [pt.address, pt.municipality].filter(Boolean).join(', ');
  const who = [pt.name, pt.personal_identity_number].filter(Boolean).join(', ');
  const dest = pt.latitude != null && pt.longitude != null ? `${pt.latitude},${pt.longitude}` : null;
  const vitals = vitalsText(referralVitals(r));
  const outcome = outcomeOf(r);
  const newCase = r.new_case_reference;
  return el('dl', { class: 'r-facts' },
    pt.safety_warning ? el('div', { class: 'r-safety' }, el('dt', {}, t('mobile.safety')), el('dd', {}, '⚠ ', pt.safety_warning)) : null,
    who ? el('div', {}, el('dt', {}, t('mobile.patient')), el('dd', { class: 'r-patient' }, who)) : null,
    h.assessment ? el('div', {}, el('dt', {}, t('referral.assessment')), el('dd', { class: 'r-assessment' }, h.assessment)) : null,
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

function answerForm(r, answer) {
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
    drafts.delete(r.id);
    answer(r, 'accept', 'accept', { expected_visit_at: at.toISOString() });
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
    drafts.delete(r.id);
    answer(r, 'decline', 'decline', { reason: reason.value.trim() });
  });
  return el('div', { class: 'r-answer' },
    el('div', { class: 'r-accept-row' },
      el('label', { class: 'field', for: visitId }, el('span', {}, t('mobile.visit_label')), visit), accept),
    el('div', { class: 'r-decline-row' },
      el('label', { class: 'field', for: reasonId }, el('span', {}, t('mobile.decline_label')), reason), decline));
}

function outcomeForm(r, answer) {
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
      drafts.delete(r.id);
      return answer(r, 'outcome', 'outcome', body);
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
