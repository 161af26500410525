/* Referrals to mobile care units on the console (God och nära vård, issue 6).

   In the selected case: "Refer" opens the form: the skills needed, the units proposed for the
   case (with their load, and why the others cannot be chosen), the structured handover
   (reason, assessment, vital signs with the chart's normal range beside each, and a live
   NEWS2 preview), the callback number (the case's caller number), the latest time to be seen
   (now + 2 h) and the line: warm (red: the dispatcher stays on and conferences the unit in) or
   cold (yellow: passed on). Then the case shows its referral with its state and who is
   responsible: "the dispatch centre" until the unit accepts, then the unit. A referral not
   accepted in time (referral.overdue) is flagged red with a sound until someone acts; it can
   be withdrawn; a visit's outcome shows, "needs ambulance" with the new case.

   Above the case list, "Referrals" lists every open referral, with the statistics a click
   away. Events (dispatch stream, referral.*) carry no patient data: the handover is fetched
   over HTTP (logged). The form is console-referral-form.js's, the statistics
   console-referral-stats.js's; this module keeps the referrals, the list and the panel. */

import { api, el, fmtTime, notify, serverNow, t, twoStep } from './common.js';
import { loadProposals, referralForm } from './console-referral-form.js';
import { alarm, setupAudio } from './sound.js';
import { table } from './tables.js';
import { referralNews2, referralVitals, vitalsText } from './vitals.js';

/** The server's referral rules (frontend/tables.py): the open and unanswered states, and
    those from which a withdrawal needs a reason (the unit holds the patient). */
const REFERRAL = table('referral');
const OVERDUE_REPEAT_MS = 30000;

const referrals = new Map(); // id -> referral
const withdrawDrafts = new Map(); // id -> the reason typed so far
let hooks = { getCase: () => null, scheduleRender: () => {}, selectCase: () => {} };

export function setupReferrals(options) {
  hooks = { ...hooks, ...options };
  setupAudio(null); // the first click anywhere unlocks the overdue sound
  buildList();
  setInterval(() => {
    if (overdueOpen().length) alarm();
    renderList(); // deadlines come closer
  }, OVERDUE_REPEAT_MS);
}

/* ---------- state ---------- */

const stateOf = (r) => String(r.state || 'sent');
const isOpen = (r) => REFERRAL.open.includes(stateOf(r));
const lineOf = (r) => (r.line === 'warm' ? 'warm' : 'cold');
const overdue = (r) => REFERRAL.unanswered.includes(stateOf(r)) && Boolean(r.overdue);
const overdueOpen = () => [...referrals.values()].filter(overdue);
const referralsOf = (caseId) => [...referrals.values()].filter((r) => Number(r.case) === Number(caseId))
  .sort((a, b) => String(b.sent_at).localeCompare(String(a.sent_at)) || b.id - a.id);
const caseRef = (r) => r.case_reference || hooks.getCase(r.case)?.reference || `#${r.case}`;

function unitResponsible(r) {
  if (typeof r.responsible === 'string') return r.responsible === 'unit';
  return stateOf(r) === 'accepted';
}

function upsert(r) {
  if (!r || r.id == null) return;
  const old = referrals.get(r.id);
  referrals.set(r.id, { ...old, ...r });
  hooks.scheduleRender();
  renderList();
}

async function fetchReferral(id) {
  try {
    upsert(await api(`/api/referrals/${id}/`));
  } catch (err) {
    if (err.status === 404) referrals.delete(id);
    else if (err.status !== 0) notify(err.detail, 'error');
  }
}

/** Handle an event of the dispatch stream; false when it is not about referrals. */
export function referralEvent(event) {
  if (event.type === 'care_unit.updated') {
    if (panel && !panel.form.hidden) loadProposals(panel.caseId, panel);
    return true;
  }
  if (!event.type.startsWith('referral.')) return false;
  const d = event.data || {};
  if (d.id == null) return true;
  const known = referrals.get(d.id);
  // The event's summary is enough for the list; the handover comes over HTTP.
  referrals.set(d.id, { ...known, ...d });
  const ref = d.case_reference || caseRef(d);
  const unit = d.unit_call_sign || '';
  if (event.type === 'referral.accepted') {
    notify(t('console.referrals.accepted', { unit, ref }), 'ok');
  } else if (event.type === 'referral.declined') {
    notify(t('console.referrals.declined', { unit, ref }), 'warn', { timeout: 30000 });
  } else if (event.type === 'referral.overdue') {
    notify(t('console.referrals.overdue', { unit, ref }), 'error', { timeout: 60000 });
    alarm();
  } else if (event.type === 'referral.deadline_passed') {
    notify(t('console.referrals.deadline_passed', { unit, ref }), 'error', { timeout: 60000 });
    alarm();
  } else if (event.type === 'referral.visited') {
    notify(t('console.referrals.visited', { unit, ref, outcome: t(`referral.outcome.${d.outcome}`) }),
      d.outcome === 'needs_ambulance' ? 'error' : 'ok', { timeout: d.outcome === 'needs_ambulance' ? 60000 : 8000 });
  }
  if (known?.reason !== undefined || hooks.getCase(d.case)) fetchReferral(d.id);
  hooks.scheduleRender();
  renderList();
  return true;
}

const loading = new Set();
/** The referrals of one case (when it is opened). */
export async function loadReferrals(caseId) {
  if (caseId == null || loading.has(caseId)) return;
  loading.add(caseId);
  try {
    const list = await api(`/api/referrals/?case=${caseId}`);
    for (const r of (Array.isArray(list) ? list : list?.results || [])) upsert(r);
  } catch (err) {
    if (err.status !== 404 && err.status !== 403 && err.status !== 0) notify(err.detail, 'error');
  } finally {
    loading.delete(caseId);
  }
}

/** Every open referral (at start and after a stream reset). */
export async function reloadReferrals() {
  try {
    const list = await api('/api/referrals/?state=open');
    const items = Array.isArray(list) ? list : list?.results || [];
    const seen = new Set(items.map((r) => r.id));
    for (const [id, r] of referrals) if (isOpen(r) && !seen.has(id)) referrals.delete(id);
    for (const r of items) upsert(r);
  } catch { /* not for this role, or no network: the next event tells */ }
  renderList();
}

/** The short line on a case card while it has a referral. */
export function referralBadge(caseId) {
  const r = referralsOf(caseId).find(isOpen) || referralsOf(caseId)[0];
  if (!r) return '';
  const who = unitResponsible(r) ? r.unit_call_sign : t('console.referrals.centre');
  return `${t('console.referrals.badge', { unit: r.unit_call_sign || '', state: stateLabel(r) })} · ${t('console.referrals.responsible', { who })}${overdue(r) ? ' ⚠' : ''}`;
}

const stateLabel = (r) => {
  if (overdue(r)) return t('console.referrals.state_overdue');
  const label = t(`referral.state.${stateOf(r)}`);
  return label === `referral.state.${stateOf(r)}` ? stateOf(r) : label;
};

/* ---------- the list of open referrals ---------- */

let listNode = null;

function buildList() {
  const panel = document.querySelector('.panel-cases');
  if (!panel) return;
  listNode = {
    body: el('ul', { class: 'referral-open-list' }),
    count: el('span', { class: 'count' }),
  };
  const statsButton = el('button', { type: 'button', class: 'btn btn-ghost btn-small referral-stats-open' }, t('console.referrals.stats.open'));
  // The statistics are fetched on this click only: their module too (a chunk of its own).
  statsButton.addEventListener('click', () => import('./console-referral-stats.js').then((m) => m.openStats()));
  listNode.node = el('section', { class: 'referral-list-panel', id: 'referral-list', 'aria-labelledby': 'referral-list-title' },
    el('div', { class: 'referral-list-head' },
      el('h3', { id: 'referral-list-title' }, t('console.referrals.list_title'), ' ', listNode.count),
      statsButton),
    listNode.body);
  panel.insertBefore(listNode.node, document.getElementById('cases'));
}

let listSig = '';
function renderList() {
  if (!listNode) return;
  const open = [...referrals.values()].filter(isOpen)
    .sort((a, b) => Number(overdue(b)) - Number(overdue(a)) || String(a.deadline).localeCompare(String(b.deadline)));
  const sig = JSON.stringify([open, document.documentElement.lang, Math.floor(Date.now() / 30000)]);
  if (sig === listSig) return;
  listSig = sig;
  listNode.node.classList.toggle('is-empty', !open.length);
  listNode.count.textContent = `(${open.length})`;
  listNode.body.replaceChildren(...open.map((r) => {
    const late = Date.parse(r.deadline) < serverNow().getTime();
    const button = el('button', {
      type: 'button', class: 'referral-open-item', dataset: { referral: r.id, case: r.case },
      onclick: () => hooks.selectCase(Number(r.case)),
    },
    el('span', { class: `line-dot line-${lineOf(r)}`, title: t(`referral.line.${lineOf(r)}`) }),
    el('span', { class: 'ro-ref' }, caseRef(r)),
    el('span', { class: 'ro-unit' }, r.unit_call_sign || ''),
    el('span', { class: `badge rs-${overdue(r) ? 'overdue' : stateOf(r)}` }, stateLabel(r)),
    el('span', { class: `ro-deadline${late ? ' is-late' : ''}` }, t('console.referrals.by', { time: fmtTime(r.deadline) })));
    return el('li', { class: overdue(r) ? 'is-overdue' : '' }, button);
  }));
}

/* ---------- the panel in the selected case ---------- */

let panel = null;

/** The panel of the selected case c, brought up to date; console-panels.js places it. */
export function referralPanel(c) {
  if (!panel || panel.caseId !== c.id) panel = buildPanel(c);
  const list = referralsOf(c.id);
  const sig = JSON.stringify([list, document.documentElement.lang, Math.floor(Date.now() / 30000)]);
  // A reason being typed or a button waiting for its second click is not redrawn under the
  // dispatcher's hands; the list is redrawn when they leave it.
  const focused = panel.list.contains(document.activeElement) ? document.activeElement : null;
  // A mouse button held down on a row counts too: replacing the row between press and release
  // would swallow the click.
  const busy = (focused && (focused.matches('input, textarea') || focused.classList.contains('is-armed')))
    || panel.list.querySelector(':active') !== null;
  if (panel.sig !== sig && !busy) {
    panel.sig = sig;
    panel.list.replaceChildren(...list.map((r) => referralRow(r)));
  }
  const canRefer = !list.some(isOpen);
  panel.open.hidden = !canRefer || !panel.form.hidden;
  if (!canRefer && !panel.form.hidden) closeForm();
  return panel.node;
}

/** Whether the case was ever referred (its panel then stays, whatever its priority became). */
export const hasReferrals = (caseId) => referralsOf(caseId).length > 0;

function buildPanel(c) {
  const titleId = `referral-title-${c.id}`;
  const p = { caseId: c.id, sig: '', list: el('ul', { class: 'referral-rows' }) };
  p.list.addEventListener('focusout', () => setTimeout(hooks.scheduleRender, 50));
  p.list.addEventListener('pointerup', () => setTimeout(hooks.scheduleRender, 50));
  p.open = el('button', { type: 'button', class: 'btn btn-primary btn-small referral-open' }, t('console.referrals.refer'));
  p.form = referralForm(c, p, { sent: upsert, close: closeForm });
  p.form.hidden = true;
  p.open.addEventListener('click', () => {
    p.form.hidden = false;
    p.open.hidden = true;
    loadProposals(c.id, p);
    p.form.querySelector('input, select, textarea')?.focus();
  });
  p.node = el('section', { class: 'referrals', id: 'referral-panel', 'aria-labelledby': titleId, dataset: { case: c.id } },
    el('h3', { id: titleId }, t('console.referrals.title')), p.list, p.open, p.form);
  return p;
}

function closeForm() {
  if (!panel) return;
  panel.form.hidden = true;
  panel.open.hidden = false;
}

function referralRow(r) {
  const s = stateOf(r);
  const n = referralNews2(r);
  const ours = unitResponsible(r);
  const row = el('li', {
    class: `referral-row line-${lineOf(r)} is-${s}${overdue(r) ? ' is-overdue' : ''}`,
    dataset: { referral: r.id, state: s, responsible: ours ? 'unit' : 'centre', line: lineOf(r), overdue: String(overdue(r)) },
  },
  el('div', { class: 'rr-head' },
    el('span', { class: 'rr-unit' }, r.unit_call_sign || ''),
    el('span', { class: `line-badge line-${lineOf(r)}` }, t(`referral.line.${lineOf(r)}`)),
    el('span', { class: `badge rs-${overdue(r) ? 'overdue' : s}` }, stateLabel(r)),
    n.score != null ? el('span', { class: `news2 band-${n.band}`, dataset: { score: n.score } },
      t('referral.news2', { score: n.score }), n.complete ? '' : ` (${t('referral.news2_incomplete')})`) : null),
  el('p', { class: `rr-resp${ours ? ' is-unit' : ''}` },
    t('console.referrals.responsible', { who: ours ? r.unit_call_sign : t('console.referrals.centre') })),
  el('p', { class: 'rr-times' },
    t('referral.deadline', { time: fmtTime(r.deadline) }),
    r.expected_visit_at && s === 'accepted' ? ` · ${t('console.referrals.visit', { time: fmtTime(r.expected_visit_at) })}` : ''),
  overdue(r) ? el('p', { class: 'rr-warn', role: 'alert' }, '⚠ ', t('console.referrals.overdue_hint')) : null,
  r.reason ? el('p', { class: 'rr-reason' }, r.reason) : null,
  vitalsText(referralVitals(r)) ? el('p', { class: 'rr-vitals' }, vitalsText(referralVitals(r))) : null,
  s === 'withdrawn' && r.withdraw_reason ? el('p', { class: 'rr-withdrawn' }, t('console.referrals.withdrawn_reason', { reason: r.withdraw_reason })) : null,
  s === 'declined' ? el('p', { class: 'rr-declined' }, t('console.referrals.declined_reason', { reason: r.decline_reason || '' })) : null,
  r.outcome ? el('p', { class: `rr-outcome out-${r.outcome}`, dataset: { outcome: r.outcome } },
    t('console.referrals.outcome', { outcome: t(`referral.outcome.${r.outcome}`) }),
    r.referred_on_to ? ` (${r.referred_on_to})` : '',
    r.outcome_note ? ` – ${r.outcome_note}` : '',
    r.new_case ? newCaseLink(r) : null) : null);
  const actions = el('div', { class: 'rr-actions' });
  if (isOpen(r)) {
    // After acceptance the unit holds the patient: it must be told why it is taken back.
    const reasonId = `rr-withdraw-${r.id}`;
    const needsReason = REFERRAL.withdraw_reason_from.includes(s);
    const reason = el('input', {
      id: reasonId, class: 'rr-withdraw-reason', maxlength: '300', required: needsReason,
      value: withdrawDrafts.get(r.id) || '', oninput: (e) => withdrawDrafts.set(r.id, e.target.value),
      'aria-label': t(needsReason ? 'console.referrals.withdraw_reason_required' : 'console.referrals.withdraw_reason'),
      placeholder: t(needsReason ? 'console.referrals.withdraw_reason_required' : 'console.referrals.withdraw_reason'),
    });
    const withdraw = el('button', { type: 'button', class: 'btn btn-ghost btn-small referral-withdraw' }, t('console.referrals.withdraw'));
    twoStep(withdraw, t('console.referrals.withdraw_confirm'), async () => {
      if (s === 'accepted' && !reason.value.trim()) {
        reason.setAttribute('aria-invalid', 'true');
        reason.focus();
        notify(t('console.referrals.withdraw_reason_required'), 'warn');
        return;
      }
      try {
        upsert(await api(`/api/referrals/${r.id}/withdraw/`, { method: 'POST', body: { reason: reason.value.trim() } }));
        notify(t('console.referrals.withdrawn', { unit: r.unit_call_sign || '' }), 'ok');
      } catch (err) {
        notify(err.detail, 'error');
      }
    }, { key: `withdraw:${r.id}` });
    actions.append(reason, withdraw);
  }
  actions.append(el('a', {
    class: 'btn btn-ghost btn-small referral-print', href: `/api/referrals/${r.id}/summary/`, target: '_blank', rel: 'noopener',
  }, t('referral.print')));
  row.append(actions);
  return row;
}

function newCaseLink(r) {
  const ref = r.new_case_reference || hooks.getCase(r.new_case)?.reference || `#${r.new_case}`;
  const link = el('button', { type: 'button', class: 'btn btn-danger btn-small rr-new-case', dataset: { case: r.new_case } },
    t('console.referrals.new_case', { ref }));
  link.addEventListener('click', () => hooks.selectCase(Number(r.new_case)));
  return el('span', {}, ' ', link);
}
