/* The console's case list: each open case as a card (most urgent first), its assignments with
   the dispatcher's moves (cancel, redirect to a more urgent case, the destination:
   console-destination.js) and their warnings, the
   buttons that dispatch the selected units and close the case, and the selected case's panels
   (those that apply, the others a click away: console-panels.js), which a redraw of its card
   carries over as they are, with the focus in them. */

import {
  ACTIVE, api, el, fmtTime, notify, place, placeInOrder, priorityShort, serverNow, since, statusLabel,
  t, twoStep, uuid,
} from './common.js';
import { caseEditButtons } from './console-case-edit.js';
import { destinationButton, destinationPicker, destinationSig } from './console-destination.js';
import { imagesBadge, loadImaging } from './console-images.js';
import { ivpaBadge, loadIvpa } from './console-ivpa.js';
import { zoomTo } from './console-map.js';
import { messagesPart, messagesSig } from './console-messages.js';
import { placeNoticeBadge, placeNoticePanel } from './console-notices.js';
import { placePanels } from './console-panels.js';
import { placePersonPanel } from './console-person.js';
import { placeRecommend, recommendFor } from './console-recommend.js';
import { loadReferrals, referralBadge } from './console-referrals.js';
import {
  PRIORITY_RANK, fetchCase, hasWarning, isPriorityOne, removeCase, scheduleRender, sortedCases,
  state, upsertAssignment,
} from './console-state.js';
import { stagingButton, stagingPart, stagingSig } from './console-staging.js';
import { dispatchTo } from './console-units.js';
import { table } from './tables.js';

/** Seconds a crew has to acknowledge before the assignment is sent again (from the page). */
export const ACK_TIMEOUT = Number(document.getElementById('console').dataset.ackTimeout || 30);
// The moves only a dispatcher makes, and from which statuses (dispatch.statemachine).
const DISPATCHER_ONLY = table('assignment')?.dispatcher_only || {};
const canMove = (status, move) => (DISPATCHER_ONLY[status] || []).includes(move);

/* ---------- actions ---------- */

async function cancelAssignment(caseId, assignment) {
  try {
    const updated = await api(`/api/assignments/${assignment.id}/status/`, {
      method: 'POST',
      body: { status: 'cancelled', idempotency_key: uuid(), at: serverNow().toISOString() },
    });
    upsertAssignment(caseId, updated);
    notify(t('console.cancelled', { unit: assignment.unit_call_sign }), 'ok');
  } catch (err) {
    notify(err.detail, 'error');
  }
}

async function redirectAssignment(caseId, assignment, targetId) {
  try {
    const created = await api(`/api/assignments/${assignment.id}/redirect/`, {
      method: 'POST', body: { case: targetId },
    });
    state.redirectOpen = null;
    fetchCase(caseId);
    upsertAssignment(targetId, created);
    notify(t('console.redirected', {
      unit: assignment.unit_call_sign, ref: state.cases.get(targetId)?.reference || targetId,
    }), 'ok');
  } catch (err) {
    notify(err.detail, 'error');
  }
}

async function closeCase(caseId) {
  try {
    const closed = await api(`/api/cases/${caseId}/close/`, { method: 'POST' });
    removeCase(caseId);
    notify(t('console.closed', { ref: closed.reference }), 'ok');
  } catch (err) {
    notify(err.detail, 'error');
  }
}

export function selectCase(id, { pan = true } = {}) {
  const changed = state.selectedCase !== id;
  state.selectedCase = id;
  if (changed) recommendFor(id);
  if (changed) {
    loadIvpa(id);
    loadImaging(id);
    loadReferrals(id);
  }
  scheduleRender();
  const c = state.cases.get(id);
  if (pan && c) zoomTo(c.latitude, c.longitude);
}

/* ---------- the list ---------- */

function redirectTargets(c) {
  return sortedCases().filter((o) => o.id !== c.id && isPriorityOne(o.priority)
    && (PRIORITY_RANK[o.priority] ?? 9) < (PRIORITY_RANK[c.priority] ?? 9));
}

const caseNodes = new Map(); // id -> {sig, node}

/* A press on the case list holds its redraw until the release: a card replaced between the
   press and the release loses the click (no click fires when the two land on different
   nodes), and in a busy centre an event redraws the list every few seconds. The release is
   seen on the window (capture) and a lost focus ends the press too; PRESS_HOLD_MS only bounds
   a release the page never saw. It is long enough for a slow, deliberate press (2 s cut such
   a press off on a loaded machine, and its click was lost) and short against a list that
   would otherwise stay as it was. */
const PRESS_HOLD_MS = 10000;
let pressed = null; // the hold's time-out while a pointer is down on the list
let redrawHeld = false;

function pressRelease() {
  if (!pressed) return;
  clearTimeout(pressed);
  pressed = null;
  if (redrawHeld) {
    redrawHeld = false;
    setTimeout(scheduleRender, 0); // after the click this release makes
  }
}

function pressWatch(box) {
  if (box.dataset.pressWatched) return;
  box.dataset.pressWatched = '1';
  box.addEventListener('pointerdown', () => {
    clearTimeout(pressed);
    pressed = setTimeout(pressRelease, PRESS_HOLD_MS);
  });
  for (const type of ['pointerup', 'pointercancel']) window.addEventListener(type, pressRelease, true);
  window.addEventListener('blur', pressRelease); // the window's own, not a field's (no capture)
}

export function renderCases() {
  const box = document.getElementById('cases');
  pressWatch(box);
  if (pressed) {
    redrawHeld = true;
    return;
  }
  const list = sortedCases();
  document.getElementById('case-count').textContent = `(${list.length})`;
  const p1 = list.filter((c) => isPriorityOne(c.priority)).map((c) => c.id).join(',');
  const seen = new Set();
  const order = [];
  for (const c of list) {
    const sig = JSON.stringify([c, state.selectedCase === c.id, state.selectedUnits.size,
      state.redirectOpen, p1, document.documentElement.lang, ivpaBadge(c.id), imagesBadge(c.id),
      referralBadge(c.id), destinationSig(), messagesSig(), stagingSig()]);
    let entry = caseNodes.get(c.id);
    if (!entry || entry.sig !== sig) {
      const node = caseCard(c);
      const hadFocus = entry && document.activeElement === entry.node;
      if (entry) replaceCard(entry.node, node, state.selectedCase === c.id);
      if (hadFocus) node.focus();
      entry = { sig, node };
      caseNodes.set(c.id, entry);
    }
    order.push(entry.node);
    placeNoticeBadge(c, entry.node); // risk notices known to match (not the selected case)
    if (state.selectedCase === c.id) {
      placePersonPanel(c, entry.node); // the care plan band and earlier cases, at the top
      placeNoticePanel(c, entry.node); // its risk notices: apply or dismiss, acknowledged
      placeRecommend(c, entry.node); // the recommended units and the one-click dispatch
      placePanels(c, entry.node);
    }
    seen.add(c.id);
  }
  placeInOrder(box, order);
  for (const [id, entry] of caseNodes) {
    if (!seen.has(id)) {
      entry.node.remove();
      caseNodes.delete(id);
    }
  }
  let empty = box.querySelector('.empty');
  if (!list.length && !empty) box.append(el('p', { class: 'empty' }, t('console.no_cases')));
  if (list.length && empty) empty.remove();
}

/**
 * A redrawn card of the selected case takes over the old one's panels as they are, with the
 * focus in them; a card no longer selected leaves its panels behind.
 */
function replaceCard(old, fresh, selected) {
  if (!selected) {
    old.replaceWith(fresh);
    return;
  }
  old.before(fresh);
  const panels = old.querySelector(':scope > #case-panels');
  if (panels) place(fresh, panels);
  old.remove();
}

function caseCard(c) {
  const warn = c.assignments.some(hasWarning);
  const card = el('article', {
    class: `case prio prio-${c.priority}${state.selectedCase === c.id ? ' is-selected' : ''}${warn ? ' has-warning' : ''}`,
    dataset: { id: c.id, reference: c.reference || '' },
    'aria-label': `${c.reference} ${priorityShort(c.priority)} ${c.complaint}`,
  });
  card.tabIndex = 0;
  card.addEventListener('click', (e) => {
    if (!e.target.closest('button, select, a, input, textarea, label')) selectCase(c.id);
  });
  card.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.target === card) selectCase(c.id);
  });
  card.append(...[
    el('div', { class: 'case-head' },
      el('span', { class: `prio-badge prio-${c.priority}` }, priorityShort(c.priority)),
      el('span', { class: 'case-ref' }, c.reference),
      c.is_prioritised_line ? el('span', { class: 'case-flag' }, t('console.prioritised_line')) : null,
      c.mass_triage ? el('span', { class: 'case-triage', dataset: { triage: c.mass_triage } }, c.mass_triage_text) : null,
      el('span', { class: 'case-time', title: c.registered_at }, fmtTime(c.registered_at))),
    el('div', { class: 'case-complaint' }, c.complaint),
    c.case_type && c.case_type !== 'other' ? el('div', { class: 'case-type' },
      t(`ivpa.case_type.${c.case_type}`),
      ...(c.scene_flags || []).map((f) => el('span', { class: 'case-flag' }, t(`ivpa.scene_flag.${f}`)))) : null,
    ivpaBadge(c.id) ? el('div', { class: 'case-ivpa' }, ivpaBadge(c.id)) : null,
    imagesBadge(c.id) ? el('div', { class: 'case-images' }, imagesBadge(c.id)) : null,
    referralBadge(c.id) ? el('div', { class: 'case-referral' }, referralBadge(c.id)) : null,
    el('div', { class: 'case-address' },
      [c.address, c.address?.includes(c.municipality) ? '' : c.municipality].filter(Boolean).join(', '),
      state.regions.get(c.region) ? ` · ${state.regions.get(c.region).name}` : '',
      c.region_set_by_hand ? el('span', { class: 'case-region-hand' }, ` (${t('console.map.region_hand')})`) : null),
    c.safety_warning ? el('div', { class: 'case-safety' }, '⚠ ', c.safety_warning) : null,
    c.mbs_priority !== c.priority ? el('div', { class: 'case-meta' }, t('console.mbs', {
      mbs: priorityShort(c.mbs_priority), priority: priorityShort(c.priority),
      reason: c.priority_change_reason,
    })) : null,
    el('div', { class: 'case-meta' },
      `${t('console.caller')}: ${c.caller_number}`,
      c.patient_name || c.personal_identity_number
        ? ` · ${[c.patient_name, c.personal_identity_number].filter(Boolean).join(', ')}` : ''),
  ].filter(Boolean));
  if (c.assignments.length) {
    card.append(el('ul', { class: 'assignments' }, c.assignments.map((a) => assignmentRow(c, a))));
  }
  const dispatchBtn = el('button', {
    type: 'button', class: 'btn btn-primary btn-small dispatch-btn',
    disabled: state.selectedUnits.size === 0,
  }, t('console.dispatch', { n: state.selectedUnits.size }));
  // The case dispatched to is selected: a unit that does not fit asks for the reason in it.
  dispatchBtn.addEventListener('click', () => {
    selectCase(c.id, { pan: false });
    dispatchTo(c.id);
  });
  const closeBtn = el('button', { type: 'button', class: 'btn btn-ghost btn-small close-btn' }, t('console.close_case'));
  twoStep(closeBtn, t('console.close_confirm'), () => closeCase(c.id), { key: `close:${c.id}` });
  card.append(el('div', { class: 'case-actions' }, dispatchBtn, ...caseEditButtons(c), closeBtn));
  return card;
}

function assignmentRow(c, a) {
  const active = ACTIVE.has(a.status);
  const row = el('li', {
    class: `asg st-${a.status}${active ? '' : ' is-ended'}${hasWarning(a) ? ' has-warning' : ''}`,
    dataset: { assignment: a.id, unit: a.unit, status: a.status },
  },
  el('span', { class: 'asg-unit' }, a.unit_call_sign),
  el('span', { class: `badge st-${a.status}` }, statusLabel(a.status)),
  el('span', { class: 'asg-since', dataset: { since: a.status_changed_at } }, since(a.status_changed_at)),
  a.destination_name ? el('span', { class: 'asg-dest' }, `→ ${a.destination_name}`,
    a.destination_set_by_name ? el('span', { class: 'asg-dest-by' }, ` ${t('console.destination_by', {
      name: a.destination_set_by_name, time: fmtTime(a.destination_set_at) })}`) : null) : null);
  const actions = el('span', { class: 'asg-actions' });
  if (canMove(a.status, 'redirected')) {
    const targets = redirectTargets(c);
    const redirectBtn = el('button', {
      type: 'button', class: 'btn btn-ghost btn-small redirect-btn', disabled: targets.length === 0,
      title: targets.length ? null : t('console.redirect_none'),
    }, t('console.redirect'));
    redirectBtn.addEventListener('click', () => {
      state.redirectOpen = state.redirectOpen === a.id ? null : a.id;
      scheduleRender();
    });
    actions.append(redirectBtn);
  }
  const destination = destinationButton(c, a);
  if (destination) actions.append(destination);
  const staging = stagingButton(c, a); // the staging point (*brytpunkt*)
  if (staging) actions.append(staging);
  if (canMove(a.status, 'cancelled')) {
    const cancelBtn = el('button', { type: 'button', class: 'btn btn-ghost btn-small cancel-btn' }, t('console.cancel'));
    twoStep(cancelBtn, t('console.cancel_confirm'), () => cancelAssignment(c.id, a), { key: `cancel:${a.id}` });
    actions.append(cancelBtn);
  }
  row.append(actions);
  // A unit sent although it did not fit: the dispatcher's reason, on a line of its own.
  if (a.override_reason) row.append(el('span', { class: 'asg-override' }, t('console.recommend.overridden', { reason: a.override_reason })));
  if (active && a.ack_overdue) {
    row.append(el('span', { class: 'asg-warn' }, '⚠ ', t('console.ack_overdue', { s: ACK_TIMEOUT, n: a.resend_count })));
  }
  if (active && a.status_overdue) {
    row.append(el('span', { class: 'asg-warn is-status' }, '⚠ ', t('console.status_overdue', { status: statusLabel(a.status) })));
  }
  if (state.redirectOpen === a.id && canMove(a.status, 'redirected')) {
    const select = el('select', { 'aria-label': t('console.redirect_choose') },
      redirectTargets(c).map((o) => el('option', { value: o.id }, `${priorityShort(o.priority)} · ${o.reference} · ${o.complaint}`)));
    const go = el('button', { type: 'button', class: 'btn btn-danger btn-small' }, t('console.redirect_go'));
    go.addEventListener('click', () => redirectAssignment(c.id, a, Number(select.value)));
    row.append(el('span', { class: 'asg-redirect' }, select, go));
  }
  const picker = destinationPicker(c, a);
  if (picker) row.append(picker);
  row.append(...stagingPart(c, a));
  row.append(...messagesPart(c, a)); // unread count; the messages on the selected case
  return row;
}
