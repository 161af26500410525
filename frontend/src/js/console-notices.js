/* Risk notices (*skyddsinformation*) on the console, the dispatcher's side of crew safety:

   - the new-case form: as the address is chosen, the position set or the identity number typed,
     the notices that match (/api/safety/notices/matching/, debounced) show under the form's
     care plan, each with how it matched ("Samma adress", "Inom 150 m", "Samma person"), the
     risk and the recommended action in words, and the background (dispatchers only);
   - the selected case: its matches (/api/safety/notices/?case=) at the top of its card, each
     pending one with "Gäller" / "Gäller inte"; an applied one as a red band, with the crew's
     acknowledgement once it comes (`safety.notice_acknowledged`); a badge on the other cards
     whose matches are known; `safety.matches_found` brings new matches at once;
   - the review queue (console-notice-queue.js), which `safety.notice_proposed` feeds, and the
     notice form (console-notice-form.js); the words of a notice: console-notice-words.js.

   The case's matches and the queue are kept in memory only; codes never reach the screen
   (labels from the answers, or from the page's strings by the "safety" table's codes). */

import { api, el, fmtTime, notify, place, t } from './common.js';
import { openNoticeForm, setupNoticeForm } from './console-notice-form.js';
import { isReviewer, loadProposed, queueNotice, renderQueue, setupQueue } from './console-notice-queue.js';
import { noticeBody } from './console-notice-words.js';

const $ = (id) => document.getElementById(id);
const DEBOUNCE_MS = 400;
const PIN = /^(\d{8}|\d{6})[-+]?\d{4}$/;

const byCase = new Map(); // case id -> {matches: [MATCH], loading, failed}
const acks = new Map(); // match id -> [{unit, at}]
let hooks = { scheduleRender: () => {}, getCase: () => null, selectedCase: () => null };
let panel = null; // {caseId, sig, node}
const badges = new Map(); // case id -> {sig, node}

/* ---------- the new-case form ---------- */

const form = { box: null, seq: 0, timer: null, last: '' };

function formQuery() {
  const v = (id) => ($(id)?.value || '').trim();
  const lat = parseFloat(v('case-lat'));
  const lon = parseFloat(v('case-lon'));
  const params = new URLSearchParams();
  if (!Number.isNaN(lat) && !Number.isNaN(lon)) {
    params.set('latitude', lat.toFixed(6));
    params.set('longitude', lon.toFixed(6));
  }
  if (v('case-address').length >= 3) params.set('address', v('case-address'));
  if (PIN.test(v('case-pin'))) params.set('personal_identity_number', v('case-pin'));
  return params;
}

async function formLookup() {
  const params = formQuery();
  const key = params.toString();
  if (key === form.last) return;
  form.last = key;
  const seq = ++form.seq;
  if (!params.has('latitude') && !params.has('personal_identity_number') && !params.has('address')) {
    form.box.replaceChildren();
    return;
  }
  let found = [];
  try {
    found = (await api(`/api/safety/notices/matching/?${key}`)).matches || [];
  } catch (err) {
    if (err.status !== 400 && err.status !== 0 && err.status !== 403) notify(err.detail, 'error');
  }
  if (seq !== form.seq) return;
  form.box.replaceChildren(...(found.length ? [
    el('p', { class: 'sn-found' }, t('console.safety.form_found')),
    el('ul', { class: 'sn-list' }, found.map((m) => el('li', {
      class: `sn-item sn-${m.notice.category}`, dataset: { notice: m.notice.id },
    }, noticeBody(m.notice, m)))),
  ] : []));
}

function formWatch() {
  clearTimeout(form.timer);
  form.timer = setTimeout(formLookup, DEBOUNCE_MS);
}

function setupFormPreview() {
  const caseForm = $('case-form');
  const after = $('case-careplan');
  if (!caseForm || !after) return;
  form.box = el('div', {
    id: 'case-notices', class: 'form-notices', 'aria-live': 'polite',
    'aria-label': t('console.safety.title'),
  });
  after.after(form.box);
  caseForm.addEventListener('input', (e) => {
    if (['case-address', 'case-lat', 'case-lon', 'case-pin'].includes(e.target.id)) formWatch();
  });
  caseForm.addEventListener('change', formWatch);
  caseForm.addEventListener('case-position', formWatch); // a click on the map (console-form.js)
  caseForm.addEventListener('reset', () => {
    clearTimeout(form.timer);
    form.seq += 1;
    form.last = '';
    form.box.replaceChildren();
  });
}

/** The position and address the form has now (a free notice from the map starts from it). */
function formPlace() {
  const lat = parseFloat($('case-lat')?.value);
  const lon = parseFloat($('case-lon')?.value);
  return {
    address: ($('case-address')?.value || '').trim(),
    latitude: Number.isNaN(lat) ? null : lat, longitude: Number.isNaN(lon) ? null : lon,
    personal_identity_number: ($('case-pin')?.value || '').trim(),
    region: $('case-region')?.value || '',
  };
}

/* ---------- the case's matches ---------- */

async function loadMatches(caseId) {
  const entry = byCase.get(caseId) || { matches: [] };
  entry.loading = true;
  byCase.set(caseId, entry);
  try {
    const answer = await api(`/api/safety/notices/?case=${caseId}`);
    entry.matches = answer.matches || [];
    entry.failed = false;
    for (const m of entry.matches) for (const a of m.acknowledgements || []) ackNote(m.id, a);
  } catch (err) {
    entry.failed = err.status !== 0;
    if (err.status === 0) byCase.delete(caseId);
    else if (err.status !== 403 && err.status !== 404) notify(err.detail, 'error');
  } finally {
    entry.loading = false;
    hooks.scheduleRender();
  }
}

function ackNote(matchId, a) {
  const list = acks.get(matchId) || [];
  const unit = a.unit_call_sign || a.unit_name || a.by_name || a.user_name || '';
  const at = a.acknowledged_at || a.at;
  if (!list.some((x) => x.unit === unit && x.at === at)) list.push({ unit, at });
  acks.set(matchId, list);
}

async function decide(caseId, match, decision) {
  try {
    const answer = await api(`/api/safety/matches/${match.id}/decision/`, { method: 'POST', body: { decision } });
    const entry = byCase.get(caseId);
    if (entry) {
      entry.matches = entry.matches.map((m) => (m.id === match.id ? { ...m, ...(answer?.id ? answer : { decision }) } : m));
    }
    hooks.scheduleRender();
  } catch (err) {
    notify(err.detail, 'error');
    loadMatches(caseId);
  }
}

function matchItem(c, m) {
  const n = m.notice;
  const applied = m.decision === 'applied';
  const item = el('li', {
    class: `sn-item sn-${n.category} is-${m.decision}`,
    dataset: { match: m.id, decision: m.decision },
  }, noticeBody(n, m));
  if (m.decision === 'pending') {
    item.append(el('p', { class: 'sn-decide' },
      el('button', {
        type: 'button', class: 'btn btn-danger btn-small sn-apply', onclick: () => decide(c.id, m, 'applied'),
      }, t('console.safety.applies')),
      el('button', {
        type: 'button', class: 'btn btn-ghost btn-small sn-dismiss', onclick: () => decide(c.id, m, 'dismissed'),
      }, t('console.safety.not_applies'))));
  } else {
    item.append(el('p', { class: 'sn-decision' }, t('console.safety.decided', {
      decision: m.decision_label || (applied ? t('console.safety.applies') : t('console.safety.not_applies')),
      name: m.decided_by_name || '', time: m.decided_at ? fmtTime(m.decided_at) : '',
    }).replace(/\s*\(\s*\)$/, '')));
  }
  if (applied) {
    const seen = acks.get(m.id) || [];
    item.append(el('p', { class: `sn-ack${seen.length ? ' is-acknowledged' : ''}` }, seen.length
      ? seen.map((a) => t('console.safety.acknowledged', { unit: a.unit, time: a.at ? fmtTime(a.at) : '' })).join(' · ')
      : t('console.safety.not_acknowledged')));
  }
  return item;
}

function buildPanel(c, entry) {
  const matches = entry?.matches || [];
  const titleId = `notice-title-${c.id}`;
  const applied = matches.filter((m) => m.decision === 'applied');
  const pending = matches.filter((m) => m.decision === 'pending');
  const dismissed = matches.filter((m) => m.decision !== 'applied' && m.decision !== 'pending');
  const node = el('section', {
    id: 'notice-panel', class: `notice-panel${applied.length ? ' has-applied' : ''}`,
    'aria-labelledby': titleId, dataset: { case: c.id },
  });
  if (applied.length) {
    node.append(el('div', { class: 'sn-applied', role: 'note' },
      el('h3', { id: titleId, class: 'sn-title' }, '⚠ ', t('console.safety.applied_title')),
      el('ul', { class: 'sn-list' }, applied.map((m) => matchItem(c, m)))));
  }
  if (pending.length) {
    node.append(el('div', { class: 'sn-pending' },
      el('h3', { id: applied.length ? null : titleId, class: 'sn-title' },
        t('console.safety.pending_title', { n: pending.length })),
      el('ul', { class: 'sn-list' }, pending.map((m) => matchItem(c, m)))));
  }
  if (dismissed.length) {
    node.append(el('details', { class: 'sn-dismissed' },
      el('summary', { id: applied.length || pending.length ? null : titleId },
        `${t('console.safety.not_applies')} (${dismissed.length})`),
      el('ul', { class: 'sn-list' }, dismissed.map((m) => matchItem(c, m)))));
  }
  node.append(el('p', { class: 'sn-new' }, el('button', {
    type: 'button', class: 'btn btn-ghost btn-small sn-new-btn',
    onclick: () => openNoticeForm({
      case: c.id, address: c.address || '', latitude: c.latitude, longitude: c.longitude,
      personal_identity_number: c.personal_identity_number || '', region: c.region ?? '',
    }),
  }, t('console.safety.new_for_case'))));
  if (!matches.length) node.querySelector('.sn-new-btn').id = titleId;
  return node;
}

/** The selected case c's matches, at the top of its card (below the head and the person's band). */
export function placeNoticePanel(c, card) {
  if (!isReviewer()) return;
  if (!byCase.has(c.id)) loadMatches(c.id);
  const entry = byCase.get(c.id);
  const sig = JSON.stringify([c.id, entry?.matches, [...acks.entries()], document.documentElement.lang]);
  if (!panel || panel.caseId !== c.id || panel.sig !== sig) {
    const node = buildPanel(c, entry);
    if (panel?.node.isConnected) panel.node.replaceWith(node);
    panel = { caseId: c.id, sig, node };
  }
  const person = card.querySelector(':scope > #person-panel');
  const head = card.querySelector(':scope > .case-head');
  const after = person || head;
  const before = after ? after.nextSibling : card.firstChild;
  if (panel.node.parentNode !== card || panel.node.previousSibling !== after) place(card, panel.node, before);
}

/** A badge on a case's card (not the selected one) whose matches are known. */
export function placeNoticeBadge(c, card) {
  const matches = byCase.get(c.id)?.matches || [];
  const live = matches.filter((m) => m.decision === 'applied' || m.decision === 'pending');
  const want = live.length && c.id !== hooks.selectedCase();
  let entry = badges.get(c.id);
  if (!want) {
    entry?.node.remove();
    badges.delete(c.id);
    return;
  }
  const applied = live.some((m) => m.decision === 'applied');
  const sig = JSON.stringify([live.map((m) => [m.id, m.decision]), document.documentElement.lang]);
  if (!entry || entry.sig !== sig) {
    const node = el('div', { class: `case-notices${applied ? ' is-applied' : ''}`, dataset: { case: c.id } },
      '⚠ ', t('console.safety.badge', { n: live.length }));
    entry?.node.replaceWith(node);
    entry = { sig, node };
    badges.set(c.id, entry);
  }
  const head = card.querySelector(':scope > .case-head');
  const before = head ? head.nextSibling : card.firstChild;
  if (entry.node.parentNode !== card || entry.node.previousSibling !== head) place(card, entry.node, before);
}

/* ---------- events and start ---------- */

/** An event of the dispatch stream for the notices: true when taken. */
export function noticesEvent(event) {
  const d = event.data || {};
  switch (event.type) {
    case 'safety.matches_found': {
      const entry = byCase.get(d.case) || { matches: [] };
      const known = new Map(entry.matches.map((m) => [m.id, m]));
      for (const m of d.matches || []) known.set(m.id, { ...known.get(m.id), ...m });
      entry.matches = [...known.values()];
      byCase.set(d.case, entry);
      const ref = hooks.getCase(d.case)?.reference || '';
      const n = (d.matches || []).length;
      // The case may not be fetched yet (just registered elsewhere): then without its reference.
      if (n) notify(ref ? t('console.safety.found', { ref, n }) : t('console.safety.pending_title', { n }), 'warn', { timeout: 20000 });
      hooks.scheduleRender();
      return true;
    }
    case 'safety.notice_acknowledged': {
      // {match, case, assignment, unit, acknowledged_at}: the unit by its call sign on the case.
      const matchId = d.match?.id ?? d.match;
      const caseId = d.case ?? d.match?.case;
      const c = hooks.getCase(caseId);
      const unit = d.unit_call_sign || c?.assignments?.find((a) => a.id === d.assignment)?.unit_call_sign || '';
      ackNote(matchId, { ...d, unit_call_sign: unit });
      notify(t('console.safety.acknowledged_unit', { unit, ref: c?.reference || '' }), 'ok');
      hooks.scheduleRender();
      return true;
    }
    case 'safety.notice_proposed': {
      queueNotice(d.notice, { announce: true });
      return true;
    }
    default:
      if (event.type.startsWith('safety.notice_')) {
        // reviewed, withdrawn, changed, applied: what was matched may have changed
        for (const caseId of byCase.keys()) if (caseId === hooks.selectedCase()) loadMatches(caseId);
        if (d.notice?.id != null) queueNotice(d.notice);
        else renderQueue();
        return true;
      }
      return false;
  }
}

/** A stream reset: what was known is asked for again. */
export function noticesReset() {
  byCase.clear();
  if (isReviewer()) loadProposed();
  hooks.scheduleRender();
}

/** getCase(id), scheduleRender(), selectedCase(): the console's state. */
export function setupNotices(options) {
  hooks = { ...hooks, ...options };
  setupFormPreview();
  setupNoticeForm({ saved: () => { byCase.clear(); hooks.scheduleRender(); loadProposed(); } });
  setupQueue({ formPlace, reviewed: () => { byCase.clear(); hooks.scheduleRender(); } });
}
