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

   Above the case list, "Referrals" lists every open referral. Events (dispatch stream,
   referral.*) carry no patient data: the handover is fetched over HTTP (logged). */

import { api, el, fmtTime, notify, place, serverNow, t, twoStep } from './common.js';
import { alarm, setupAudio } from './sound.js';
import { table } from './tables.js';
import { news2, referralNews2, referralVitals, vitalRange, vitalsText } from './vitals.js';

/** The server's referral rules (frontend/tables.py): the open states, the outcomes in order. */
const REFERRAL = table('referral');
const DEADLINE_HOURS = 2;
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
const overdue = (r) => stateOf(r) === 'sent' && Boolean(r.overdue);
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
  statsButton.addEventListener('click', openStats);
  listNode.node = el('section', { class: 'referral-list-panel', id: 'referral-list', 'aria-labelledby': 'referral-list-title' },
    el('div', { class: 'referral-list-head' },
      el('h3', { id: 'referral-list-title' }, t('console.referrals.list_title'), ' ', listNode.count),
      statsButton),
    listNode.body);
  panel.insertBefore(listNode.node, document.getElementById('cases'));
}

/* ---------- statistics (GET /api/referrals/stats/) ---------- */

let statsDialog = null;

function isoDay(d) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function buildStats() {
  const from = el('input', { type: 'date', id: 'referral-stats-from', value: isoDay(new Date(Date.now() - 29 * 86400000)) });
  const to = el('input', { type: 'date', id: 'referral-stats-to', value: isoDay(new Date()) });
  const body = el('div', { class: 'referral-stats-body', 'aria-live': 'polite' });
  const show = el('button', { type: 'submit', class: 'btn btn-primary btn-small' }, t('console.referrals.stats.show'));
  const form = el('form', { class: 'referral-stats-form' },
    el('label', { class: 'field', for: from.id }, el('span', {}, t('console.referrals.stats.from')), from),
    el('label', { class: 'field', for: to.id }, el('span', {}, t('console.referrals.stats.to')), to),
    show);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    loadStats();
  });
  const close = el('button', { type: 'button', class: 'btn btn-ghost btn-small' }, t('close'));
  const dialog = el('dialog', { class: 'referral-stats', id: 'referral-stats', 'aria-labelledby': 'referral-stats-title' },
    el('div', { class: 'referral-stats-head' }, el('h2', { id: 'referral-stats-title' }, t('console.referrals.stats.title')), close),
    form, body);
  close.addEventListener('click', () => dialog.close());
  document.body.append(dialog);
  statsDialog = { dialog, from, to, body };
}

function openStats() {
  if (!statsDialog) buildStats();
  if (!statsDialog.dialog.open) statsDialog.dialog.showModal();
  loadStats();
}

const pct = (x) => (x == null ? '–' : `${Math.round(x * 100)} %`);
const mins = (s) => (s == null ? '–' : t('time.minutes', { n: Math.round(s / 60) }));

async function loadStats() {
  const { from, to, body } = statsDialog;
  try {
    // The days are the dispatcher's own (local midnight to midnight, both days included),
    // sent as exact moments.
    const start = new Date(`${from.value}T00:00`);
    const end = new Date(`${to.value}T00:00`);
    end.setDate(end.getDate() + 1);
    if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return;
    const q = new URLSearchParams({ from: start.toISOString(), to: end.toISOString() });
    const stats = await api(`/api/referrals/stats/?${q}`);
    const cols = ['unit', 'referrals', 'accepted', 'declined', 'withdrawn', 'overdue', 'open',
      'acceptance_rate', 'to_accept', 'to_visit', ...REFERRAL.outcomes];
    const head = cols.map((c) => el('th', { scope: 'col' }, REFERRAL.outcomes.includes(c) ? t(`referral.outcome.${c}`) : t(`console.referrals.stats.col.${c}`)));
    const rows = (stats.units || []).map((u) => el('tr', { dataset: { unit: u.unit, callSign: u.call_sign } },
      el('th', { scope: 'row' }, u.call_sign),
      ...['referrals', 'accepted', 'declined', 'withdrawn', 'overdue', 'open'].map((k) => el('td', { class: 'num', dataset: { col: k } }, String(u[k] ?? 0))),
      el('td', { class: 'num' }, pct(u.acceptance_rate)),
      el('td', { class: 'num' }, mins(u.median_s_to_accept)),
      el('td', { class: 'num' }, mins(u.median_s_to_visit)),
      ...REFERRAL.outcomes.map((o) => el('td', { class: 'num', dataset: { col: o } }, String(u.outcomes?.[o] ?? 0)))));
    body.replaceChildren(
      rows.length ? el('div', { class: 'referral-stats-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'referral-stats-title' }, el('table', { class: 'referral-stats-table' },
        el('thead', {}, el('tr', {}, head)), el('tbody', {}, rows))) : el('p', {}, t('console.referrals.stats.none')),
      el('p', { class: 'referral-stats-m5', dataset: { share: stats.m5_referral_recontact_p1_24h_share ?? '' } },
        t('console.referrals.stats.m5', {
          share: pct(stats.m5_referral_recontact_p1_24h_share),
          n: stats.m5_recontacted_cases ?? 0, of: stats.m5_referred_cases ?? 0,
        })));
  } catch (err) {
    body.replaceChildren(el('p', { class: 'alert alert-error', role: 'alert' }, err.detail));
  }
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

export function placeReferralPanel(c, card) {
  if (!panel || panel.caseId !== c.id) panel = buildPanel(c);
  if (panel.node.parentNode !== card) place(card, panel.node, card.querySelector(':scope > .case-actions'));
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
}

function buildPanel(c) {
  const titleId = `referral-title-${c.id}`;
  const p = { caseId: c.id, sig: '', list: el('ul', { class: 'referral-rows' }) };
  p.list.addEventListener('focusout', () => setTimeout(hooks.scheduleRender, 50));
  p.list.addEventListener('pointerup', () => setTimeout(hooks.scheduleRender, 50));
  p.open = el('button', { type: 'button', class: 'btn btn-primary btn-small referral-open' }, t('console.referrals.refer'));
  p.form = referralForm(c, p);
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
    const reason = el('input', {
      id: reasonId, class: 'rr-withdraw-reason', maxlength: '300', required: s === 'accepted',
      value: withdrawDrafts.get(r.id) || '', oninput: (e) => withdrawDrafts.set(r.id, e.target.value),
      'aria-label': t(s === 'accepted' ? 'console.referrals.withdraw_reason_required' : 'console.referrals.withdraw_reason'),
      placeholder: t(s === 'accepted' ? 'console.referrals.withdraw_reason_required' : 'console.referrals.withdraw_reason'),
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
    });
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

/* ---------- the form ---------- */

/** The skills a unit may offer, with their names ({code: label}, from the page). */
const SKILLS = JSON.parse(document.getElementById('i18n')?.textContent || '{}').referral?.skill || {};
const skillChoices = () => Object.entries(SKILLS);

function defaultDeadline() {
  const d = new Date(serverNow().getTime() + DEADLINE_HOURS * 3600000);
  d.setSeconds(0, 0);
  d.setMinutes(Math.ceil(d.getMinutes() / 5) * 5);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function vitalInput(c, name, label) {
  const id = `rf-${name}-${c.id}`;
  const range = vitalRange(name);
  const hintId = `${id}-hint`;
  return el('label', { class: 'field rf-vital', for: id },
    el('span', {}, label),
    el('input', {
      id, name, type: 'number', inputmode: name === 'temperature' ? 'decimal' : 'numeric',
      min: range.min, max: range.max, step: range.step, 'aria-describedby': hintId,
    }),
    el('small', { id: hintId }, t('console.referrals.range', { normal: range.normal, min: range.min, max: range.max })));
}

function referralForm(c, p) {
  const id = (name) => `rf-${name}-${c.id}`;
  const error = el('div', { class: 'alert alert-error rf-error', role: 'alert', hidden: true });
  const skills = el('fieldset', { class: 'rf-skills' }, el('legend', {}, t('console.referrals.skills')),
    skillChoices().map(([value, label]) => el('label', { class: 'check' },
      el('input', { type: 'checkbox', name: 'skills', value }), ' ', label)));
  const proposals = el('div', { class: 'rf-proposals', 'aria-live': 'polite' });
  p.proposals = proposals;
  const preview = el('output', { class: 'news2 band-none rf-news2', id: id('news2'), 'aria-live': 'polite' }, t('referral.news2_none'));
  const form = el('form', { class: 'referral-form', novalidate: true, autocomplete: 'off' },
    error,
    skills,
    el('fieldset', { class: 'rf-units' }, el('legend', {}, t('console.referrals.units')), proposals),
    el('label', { class: 'field', for: id('reason') }, el('span', {}, t('console.referrals.reason')),
      el('input', { id: id('reason'), name: 'reason', required: true, maxlength: '300' })),
    el('label', { class: 'field', for: id('assessment') }, el('span', {}, t('console.referrals.assessment')),
      el('textarea', { id: id('assessment'), name: 'assessment', maxlength: '2000', rows: '2' })),
    el('fieldset', { class: 'rf-vitals' }, el('legend', {}, t('console.referrals.vitals')),
      el('div', { class: 'rf-grid' },
        vitalInput(c, 'respiratory_rate', t('console.referrals.v.respiratory_rate')),
        vitalInput(c, 'spo2', t('console.referrals.v.spo2')),
        el('label', { class: 'field', for: id('spo2_scale') }, el('span', {}, t('console.referrals.v.spo2_scale')),
          el('select', { id: id('spo2_scale'), name: 'spo2_scale' },
            el('option', { value: '1' }, t('console.referrals.v.scale1')),
            el('option', { value: '2' }, t('console.referrals.v.scale2')))),
        el('label', { class: 'field', for: id('on_oxygen') }, el('span', {}, t('console.referrals.v.on_oxygen')),
          el('select', { id: id('on_oxygen'), name: 'on_oxygen' },
            el('option', { value: '' }, '–'),
            el('option', { value: 'false' }, t('console.referrals.v.air')),
            el('option', { value: 'true' }, t('console.referrals.v.oxygen')))),
        vitalInput(c, 'systolic_bp', t('console.referrals.v.systolic_bp')),
        vitalInput(c, 'pulse', t('console.referrals.v.pulse')),
        el('label', { class: 'field', for: id('consciousness') }, el('span', {}, t('console.referrals.v.consciousness')),
          el('select', { id: id('consciousness'), name: 'consciousness' },
            el('option', { value: '' }, '–'),
            Object.keys(table('news2').consciousness).map((v) => el('option', { value: v }, `${v} – ${t(`console.referrals.acvpu.${v}`)}`)))),
        vitalInput(c, 'temperature', t('console.referrals.v.temperature'))),
      el('p', { class: 'rf-news2-row' }, preview)),
    el('div', { class: 'row' },
      el('label', { class: 'field grow', for: id('callback') }, el('span', {}, t('console.referrals.callback')),
        el('input', { id: id('callback'), name: 'callback_number', type: 'tel', required: true, maxlength: '20', value: c.caller_number || '' })),
      el('label', { class: 'field grow', for: id('deadline') }, el('span', {}, t('console.referrals.deadline')),
        el('input', { id: id('deadline'), name: 'deadline', type: 'datetime-local', required: true, value: defaultDeadline() }))),
    el('fieldset', { class: 'rf-line' }, el('legend', {}, t('console.referrals.line')),
      ['warm', 'cold'].map((line) => el('label', { class: `check line-choice line-${line}` },
        el('input', { type: 'radio', name: 'line', value: line, required: true, checked: line === 'cold' }), ' ',
        t(`referral.line.${line}`), el('small', {}, ` – ${t(`referral.from.${line}`)}`)))),
    el('div', { class: 'rf-actions' },
      el('button', { type: 'submit', class: 'btn btn-primary btn-small rf-submit' }, t('console.referrals.send')),
      el('button', { type: 'button', class: 'btn btn-ghost btn-small rf-cancel', onclick: closeForm }, t('console.referrals.cancel'))));

  const vitals = () => {
    const v = (name) => form.elements[name].value;
    const oxygen = v('on_oxygen');
    return {
      respiratory_rate: v('respiratory_rate'), spo2: v('spo2'), spo2_scale: Number(v('spo2_scale')),
      on_oxygen: oxygen === '' ? null : oxygen === 'true', systolic_bp: v('systolic_bp'), pulse: v('pulse'),
      consciousness: v('consciousness'), temperature: v('temperature'),
    };
  };
  const updatePreview = () => {
    const n = news2(vitals());
    preview.className = `news2 band-${n.band || 'none'} rf-news2`;
    preview.dataset.score = n.score ?? '';
    preview.dataset.band = n.band || '';
    preview.textContent = n.score == null ? t('referral.news2_none')
      : `${t('referral.news2', { score: n.score })} · ${t(`referral.band.${n.band}`)}${n.complete ? '' : ` (${t('referral.news2_incomplete')})`}${n.single3 && n.score < 7 ? ` · ${t('console.referrals.single3')}` : ''}`;
  };
  form.querySelector('.rf-vitals').addEventListener('input', updatePreview);
  form.querySelector('.rf-vitals').addEventListener('change', updatePreview);
  skills.addEventListener('change', () => loadProposals(c.id, p));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const unit = form.querySelector('input[name="unit"]:checked');
    const show = (message) => {
      error.hidden = !message;
      error.textContent = message || '';
    };
    if (!unit) {
      show(t('console.referrals.pick_unit'));
      return;
    }
    if (!form.reportValidity()) return;
    const v = vitals();
    const num = (x) => (x === '' || x == null ? null : Number(String(x).replace(',', '.')));
    const deadline = new Date(form.elements.deadline.value);
    const body = {
      case: c.id,
      unit: Number(unit.value),
      line: form.querySelector('input[name="line"]:checked')?.value || 'cold',
      skills: [...skills.querySelectorAll('input:checked')].map((n) => n.value),
      handover: {
        reason: form.elements.reason.value.trim(),
        assessment: form.elements.assessment.value.trim(),
        respiratory_rate: num(v.respiratory_rate), spo2: num(v.spo2), spo2_scale: v.spo2_scale,
        on_oxygen: v.on_oxygen, systolic_bp: num(v.systolic_bp), pulse: num(v.pulse),
        consciousness: v.consciousness || '', temperature: num(v.temperature),
      },
      deadline: Number.isNaN(deadline.getTime()) ? null : deadline.toISOString(),
      callback_number: form.elements.callback_number.value.trim(),
    };
    const submit = form.querySelector('.rf-submit');
    submit.disabled = true;
    try {
      const created = await api('/api/referrals/', { method: 'POST', body });
      show('');
      upsert(created);
      form.reset();
      form.elements.callback_number.value = c.caller_number || '';
      form.elements.deadline.value = defaultDeadline();
      updatePreview();
      closeForm();
      notify(t('console.referrals.sent', { unit: created.unit_call_sign || unit.dataset.callSign || '', ref: c.reference || '' }), 'ok');
    } catch (err) {
      show(err.detail);
      for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
      const fields = [...Object.keys(err.body?.errors || {}), err.body?.field].filter(Boolean);
      for (const name of fields) {
        const key = name.split('.').pop();
        (form.elements[key] || form.querySelector(`[name="${key}"]`))?.setAttribute?.('aria-invalid', 'true');
      }
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

async function loadProposals(caseId, p) {
  const box = p.proposals;
  const skills = [...p.form.querySelectorAll('.rf-skills input:checked')].map((n) => n.value);
  const chosen = p.form.querySelector('input[name="unit"]:checked')?.value;
  p.asked = (p.asked || 0) + 1;
  const asked = p.asked;
  try {
    const answer = await api(`/api/referrals/proposals/?case=${caseId}&skills=${encodeURIComponent(skills.join(','))}`);
    if (asked !== p.asked) return; // a later question (other skills) is on its way
    const units = Array.isArray(answer) ? answer : answer?.units || answer?.results || [];
    if (!units.length) {
      box.replaceChildren(el('p', { class: 'hint' }, t('console.referrals.no_units')));
      return;
    }
    box.replaceChildren(...units.map((u) => proposalRow(caseId, u, chosen)));
    if (!p.form.querySelector('input[name="unit"]:checked')) {
      p.form.querySelector('input[name="unit"]:not(:disabled)')?.click();
    }
  } catch (err) {
    if (asked === p.asked) box.replaceChildren(el('p', { class: 'hint' }, err.detail));
  }
}

function proposalRow(caseId, u, chosen) {
  const unitId = u.unit ?? u.id ?? u.unit_id;
  const callSign = u.call_sign || u.unit_call_sign || '';
  const selectable = u.selectable !== false;
  const id = `rf-unit-${caseId}-${unitId}`;
  const open = u.open_referrals ?? u.load_open ?? u.open;
  const capacity = u.capacity ?? u.profile?.capacity;
  const reasons = u.reasons?.map?.((r) => r.message || r).join(' ') || u.reason || u.message || '';
  const reasonId = `${id}-why`;
  return el('label', { class: `rf-unit${selectable ? '' : ' is-unselectable'}`, for: id, dataset: { unit: unitId, callSign, selectable: String(selectable) } },
    el('input', {
      id, type: 'radio', name: 'unit', value: unitId, disabled: !selectable, checked: selectable && String(unitId) === String(chosen),
      'aria-describedby': reasons ? reasonId : null, dataset: { callSign },
    }),
    el('span', { class: 'rf-unit-name' }, callSign),
    open != null && capacity != null ? el('span', { class: 'rf-unit-load' }, t('console.referrals.load', { open, capacity })) : null,
    u.distance_m != null ? el('span', { class: 'rf-unit-distance' }, `${(u.distance_m / 1000).toLocaleString(document.documentElement.lang || 'sv', { maximumFractionDigits: 1 })} km`) : null,
    reasons ? el('span', { class: 'rf-unit-why', id: reasonId }, reasons) : null);
}
