/* Crew safety on the crew tablet:

   - the risk notices the dispatcher applied to the assignment's case (*skyddsinformation*), at
     the top of the card, large, with an icon and a colour: the risk and the recommended action
     only (the server sends a crew no background, person or source). Fetched from
     /api/safety/notices/?case= when the assignment is first shown, and brought at once by
     `safety.notice_applied` on the unit's stream (with the alarm's short tone). "Kvittera"
     goes through the outbox with an idempotency key (a replay acknowledges once); the card
     shows "Kvitterad 12:03" (or that it waits to be sent). A notice that stops applying (the
     dispatcher dismissed the match, the notice was withdrawn) leaves the card at once by
     `safety.notice_withdrawn`, with a note in words in its place.
   - "Rapportera hot/våld" after a visit (on scene or later, and for the last finished
     assignment on the idle screen): the category in one tap, "Våld förekom", an optional text,
     sent through the outbox (/api/safety/reports/, idempotency key), then a confirmation.

   Kept in memory only; crew.js hands this part the events, the outbox's answers and redraws. */

import { api, el, fmtTime, notify, t, uuid } from './common.js';
import { outboxLabel } from './crew-outbox.js';
import { chime } from './sound.js';
import { table } from './tables.js';

const $ = (id) => document.getElementById(id);
const ICON = { weapon: '🔪', dangerous_animal: '🐕', violence: '✋', threat: '⚠', other: '⚠' };
const CATEGORIES = () => table('safety')?.categories || [];

const byCase = new Map(); // case id -> Map(match id -> CREW_NOTICE)
const asked = new Set(); // case ids fetched, or on the way
const acking = new Map(); // match id -> the outbox key of its acknowledgement, not yet answered
const gone = new Map(); // case id -> the category label of the notice that no longer applies
// case id -> how many events changed its notices: an answer asked for before the last of them
// is stale (it would take back a notice just applied) and is asked for again.
const changed = new Map();
let hooks = { render: () => {}, queue: async () => {} };
let band = null;
let reportBox = null;
const report = { assignment: null, open: false, category: '', violence: false, done: null };
let drawn = '';

/** render(): draw the screen again; queue(change): put a change in the outbox. */
export function setupCrewNotices(options) {
  hooks = { ...hooks, ...options };
  outboxLabel((c) => (c.kind === 'notice_ack' ? t('crew.safety.outbox_ack')
    : c.kind === 'safety_report' ? t('crew.safety.outbox_report') : null));
}

/** A stream reset: every case's notices are asked for again. */
export function crewNoticesReset() {
  asked.clear();
}

function upsert(caseId, notice) {
  if (!byCase.has(caseId)) byCase.set(caseId, new Map());
  const list = byCase.get(caseId);
  list.set(notice.match, { ...list.get(notice.match), ...notice });
}

async function load(caseId) {
  asked.add(caseId);
  const version = changed.get(caseId) || 0;
  try {
    const answer = await api(`/api/safety/notices/?case=${caseId}`);
    if ((changed.get(caseId) || 0) !== version) {
      asked.delete(caseId);
      hooks.render();
      return;
    }
    const fresh = new Map();
    for (const n of answer.notices || []) fresh.set(n.match, n);
    byCase.set(caseId, fresh);
    hooks.render();
  } catch (err) {
    // Offline or a server error: asked again at the next drawing; a refusal is not.
    if (err.status === 0 || err.status >= 500) asked.delete(caseId);
  }
}

/** `safety.notice_applied`, `safety.notice_acknowledged` (from the crew's other device) and
    `safety.notice_withdrawn` on the unit's stream: true when taken. */
export function crewNoticesEvent(event) {
  if (!event.type.startsWith('safety.')) return false;
  const d = event.data || {};
  const caseOf = d.case ?? d.notice?.case;
  if (caseOf != null) changed.set(caseOf, (changed.get(caseOf) || 0) + 1);
  if (event.type === 'safety.notice_applied' && d.notice) {
    const caseId = d.case ?? d.notice.case;
    const isNew = !byCase.get(caseId)?.has(d.notice.match);
    gone.delete(caseId);
    upsert(caseId, d.notice);
    if (isNew) {
      notify(t('crew.safety.new', { category: d.notice.category_label, action: d.notice.action_label }),
        'warn', { timeout: 30000 });
      chime();
    }
    hooks.render();
  } else if (event.type === 'safety.notice_acknowledged' && d.match) {
    // Read on another device of the crew: this one shows it acknowledged too.
    const n = byCase.get(d.case)?.get(d.match);
    if (n) upsert(d.case, { ...n, acknowledged_at: n.acknowledged_at || d.acknowledged_at });
    else asked.delete(d.case);
    hooks.render();
  } else if (event.type === 'safety.notice_withdrawn' && d.match) {
    const n = byCase.get(d.case)?.get(d.match);
    byCase.get(d.case)?.delete(d.match);
    acking.delete(d.match);
    if (n) {
      gone.set(d.case, n.category_label);
      notify(t('crew.safety.withdrawn', { category: n.category_label }), 'info', { timeout: 15000 });
    }
    hooks.render();
  } else if (event.type.startsWith('safety.notice_')) {
    asked.clear(); // withdrawn or changed: the notices are asked for again
    hooks.render();
  }
  return true;
}

/** The outbox sent an acknowledgement or a report: true when it was one of those. */
export function crewNoticesSent(change, answer) {
  if (change.kind === 'notice_ack') {
    acking.delete(change.match);
    for (const list of byCase.values()) {
      const n = list.get(change.match);
      if (n) list.set(change.match, { ...n, acknowledged_at: answer?.acknowledged_at || n.acknowledged_at });
    }
    hooks.render();
    return true;
  }
  if (change.kind === 'safety_report') {
    notify(t('crew.safety.sent'), 'ok');
    if (report.assignment?.id === change.assignment && !report.open) report.done = t('crew.safety.sent');
    hooks.render();
    return true;
  }
  return false;
}

function acknowledge(a, n) {
  const key = uuid();
  acking.set(n.match, key);
  hooks.render();
  hooks.queue({
    key, kind: 'notice_ack', independent: true, assignment: a.id, match: n.match,
    url: `/api/safety/matches/${n.match}/acknowledge/`,
    body: { assignment: a.id, idempotency_key: key },
  }).catch((err) => {
    acking.delete(n.match);
    notify(err?.detail || String(err), 'error');
    hooks.render();
  });
}

/* ---------- the notices on the card ---------- */

function noticeItem(a, n) {
  const state = n.acknowledged_at ? 'acknowledged' : acking.has(n.match) ? 'sending' : 'open';
  return el('li', { class: `cn-item cn-${n.category}`, dataset: { match: n.match, state } },
    el('span', { class: 'cn-icon', 'aria-hidden': 'true' }, ICON[n.category] || '⚠'),
    el('span', { class: 'cn-words' },
      el('strong', { class: 'cn-category' }, n.category_label),
      el('span', { class: 'cn-action' }, t('crew.safety.recommended', { action: n.action_label }))),
    state === 'open'
      ? el('button', { type: 'button', class: 'btn btn-step cn-ack', onclick: () => acknowledge(a, n) },
        t('crew.safety.acknowledge'))
      : el('span', { class: `cn-acked is-${state}` }, state === 'acknowledged'
        ? t('crew.safety.acknowledged', { time: fmtTime(n.acknowledged_at) }) : t('crew.safety.acknowledging')));
}

function renderBand(a) {
  if (!band) {
    band = el('section', { id: 'a-notices', class: 'a-notices', 'aria-labelledby': 'a-notices-title', hidden: true });
    // Under the warning band (whose unsafe-scene flag an applied notice sets), above the rest.
    const warning = $('a-safety');
    if (warning) warning.after(band);
    else $('assignment')?.prepend(band);
  }
  const caseId = a?.case?.id;
  if (caseId != null && !asked.has(caseId) && navigator.onLine !== false) load(caseId);
  const list = caseId != null ? [...(byCase.get(caseId)?.values() || [])] : [];
  const note = caseId != null && gone.has(caseId)
    ? el('p', { class: 'cn-gone', role: 'status' }, t('crew.safety.withdrawn', { category: gone.get(caseId) }))
    : null;
  band.hidden = !list.length && !note;
  band.classList.toggle('is-gone', !list.length); // only the note: no longer the red band
  band.replaceChildren(...(list.length ? [
    el('h2', { id: 'a-notices-title', class: 'cn-title' }, `⚠ ${t('crew.safety.title')}`),
    el('ul', { class: 'cn-list' }, list.map((n) => noticeItem(a, n))),
  ] : []), ...(note ? [note] : []));
}

/* ---------- the report of a threat or violence ---------- */

function send() {
  const a = report.assignment;
  if (!a) return;
  if (!report.category) {
    report.done = t('crew.safety.choose');
    hooks.render();
    return;
  }
  const key = uuid();
  const description = (reportBox.querySelector('textarea')?.value || '').trim();
  hooks.queue({
    key, kind: 'safety_report', independent: true, assignment: a.id,
    url: '/api/safety/reports/',
    body: {
      assignment: a.id, category: report.category, violence_happened: report.violence,
      description, idempotency_key: key,
    },
  }).then(() => {
    // Sent at once when the network is there (crewNoticesSent confirms); else it waits.
    if (navigator.onLine === false && report.done === null) report.done = t('crew.safety.queued');
    hooks.render();
  }).catch((err) => notify(err?.detail || String(err), 'error'));
  report.open = false;
  report.category = '';
  report.violence = false;
  report.done = null;
  hooks.render();
}

function reportForm(a) {
  const ref = a.case?.reference || '';
  if (!report.open) {
    return [
      el('button', {
        type: 'button', class: 'btn btn-report cr-open',
        onclick: () => { report.open = true; report.done = null; hooks.render(); },
      }, a.status === 'available' || !ref ? t('crew.safety.report_last', { ref }) : t('crew.safety.report')),
      report.done ? el('p', { class: 'cr-done', role: 'status' }, report.done) : null,
    ];
  }
  return [
    el('h3', { id: 'cr-title' }, t('crew.safety.report_title'), ref ? ` · ${ref}` : ''),
    el('p', { class: 'cr-what', id: 'cr-what' }, t('crew.safety.report_what')),
    el('div', { class: 'cr-categories', role: 'group', 'aria-labelledby': 'cr-what' },
      CATEGORIES().map((code) => el('button', {
        type: 'button', class: `btn cr-category${report.category === code ? ' is-chosen' : ''}`,
        'aria-pressed': String(report.category === code), dataset: { category: code },
        onclick: () => { report.category = code; report.done = null; hooks.render(); },
      }, el('span', { 'aria-hidden': 'true' }, ICON[code] || '⚠'), ' ', t(`crew.safety.category.${code}`)))),
    el('label', { class: 'cr-violence' },
      el('input', {
        type: 'checkbox', id: 'cr-violence', checked: report.violence,
        onchange: (e) => { report.violence = e.target.checked; },
      }), ' ', t('crew.safety.violence')),
    el('label', { class: 'field' }, el('span', {}, t('crew.safety.description')),
      el('textarea', { id: 'cr-text', rows: '2', maxlength: '2000' })),
    report.done ? el('p', { class: 'cr-done', role: 'alert' }, report.done) : null,
    el('div', { class: 'cr-actions' },
      el('button', { type: 'button', class: 'btn btn-primary cr-send', onclick: send }, t('crew.safety.send')),
      el('button', {
        type: 'button', class: 'btn btn-ghost cr-cancel',
        onclick: () => { report.open = false; report.done = null; hooks.render(); },
      }, t('crew.safety.cancel'))),
  ];
}

/** The last assignment the unit finished after a visit (the idle screen's report). */
function lastFinished(known) {
  return [...known].filter((a) => a?.status === 'available' && a.on_scene_at && a.case && typeof a.case === 'object')
    .sort((x, y) => String(y.available_at || y.status_changed_at).localeCompare(String(x.available_at || x.status_changed_at)))[0] || null;
}

function renderReport(current, known) {
  const a = current ? (current.on_scene_at ? current : null) : lastFinished(known);
  if (!reportBox) reportBox = el('section', { id: 'crew-report', class: 'crew-report', 'aria-label': t('crew.safety.report') });
  if (a?.id !== report.assignment?.id) {
    report.open = false;
    report.done = null;
    report.category = '';
    report.violence = false;
  }
  report.assignment = a;
  if (!a) {
    reportBox.remove();
    drawn = '';
    return;
  }
  const where = current ? $('a-messages') : $('idle');
  if (where && (reportBox.parentNode !== where.parentNode
      || (current ? reportBox.nextSibling !== where : reportBox.previousSibling !== where))) {
    if (current) where.before(reportBox);
    else where.after(reportBox);
  }
  const sig = JSON.stringify([a.id, a.status, a.case?.reference, report.open, report.category, report.violence,
    report.done, document.documentElement.lang]);
  if (sig === drawn) return;
  const text = reportBox.querySelector('textarea')?.value || '';
  drawn = sig;
  reportBox.replaceChildren(...reportForm(a).filter(Boolean));
  const area = reportBox.querySelector('textarea');
  if (area) area.value = text;
}

/** The card's notices for the current assignment a (or none), and the report after a visit;
    known: every assignment the tablet knows (the last finished one's report on the idle screen). */
export function renderCrewNotices(a, known) {
  renderBand(a);
  renderReport(a, known);
}

/** The server refused an acknowledgement (the notice was withdrawn, the unit taken off): the
    button comes back with what the server holds; crew.js shows the reason. */
export function crewNoticesRefused(change) {
  if (change.kind !== 'notice_ack') return;
  acking.delete(change.match);
  asked.clear();
  hooks.render();
}
