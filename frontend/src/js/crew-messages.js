/* Messages between the crew and the dispatch centre on the crew card (*meddelanden*): the
   assignment's messages oldest first, each with who wrote it and when, and whether the other
   side has acknowledged it ("Kvitterat 12:03 av Anna Lindqvist"); the centre's messages not yet
   acknowledged here are marked and have an "Acknowledge" button; quick replies and a text field
   to write one. A message and an acknowledgement go through the outbox like a status tap (with
   an idempotency key: a replay never makes a second message), marked independent: a refusal
   holds no status change back. `message.created` / `message.acknowledged` on the unit's stream
   say only that something changed (no words): the list is fetched again, and a new message from
   the centre is shown as a notice with the short tone. Kept in memory only (patient data). */

import { api, el, fmtTime, notify, serverNow, t, uuid } from './common.js';
import { chime } from './sound.js';

const $ = (id) => document.getElementById(id);
// The quick replies' keys, in the order they are offered (frontend/strings/assignment.py).
const QUICK = ['understood', 'police', 'unit', 'call', 'not_found'];
const lists = new Map(); // assignment id -> Map(message id -> message)
const asked = new Set(); // assignment ids fetched, or on the way
const sending = new Map(); // outbox key -> {assignment, text, at}: queued, not yet answered
const announced = new Set(); // ids of the centre's messages already announced here
let hooks = { render: () => {}, queue: async () => {} };
let shown = null;
let drawn = '';

/** render(): draw the screen again; queue(change): put a change in the outbox. */
export function setupMessages(options) {
  hooks = { ...hooks, ...options };
  $('a-quick').replaceChildren(...QUICK.map((key) => el('button', {
    type: 'button', class: 'btn btn-ghost a-quick-btn', dataset: { quick: key },
    onclick: () => send(t(`crew.messages.quick.${key}`)),
  }, t(`crew.messages.quick.${key}`))));
  $('a-message-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $('a-message-text');
    if (send(input.value)) input.value = '';
  });
}

/** A stream reset: every assignment's messages are asked for again. */
export function messagesReset() {
  asked.clear();
}

function upsert(m) {
  if (!m || m.id == null) return;
  if (!lists.has(m.assignment)) lists.set(m.assignment, new Map());
  lists.get(m.assignment).set(m.id, { ...lists.get(m.assignment).get(m.id), ...m });
}

async function load(assignmentId, { announce = false } = {}) {
  asked.add(assignmentId);
  let list;
  try {
    list = await api(`/api/assignments/${assignmentId}/messages/`);
  } catch (err) {
    if (err.status === 0 || err.status >= 500) asked.delete(assignmentId);
    return;
  }
  const known = lists.get(assignmentId);
  for (const m of list) {
    const fresh = !known?.has(m.id);
    upsert(m);
    if (!m.from_crew && !m.acknowledged_at && !announced.has(m.id) && (fresh || announce)) {
      announced.add(m.id);
      if (announce) {
        notify(t('crew.messages.new', { text: m.text }), 'warn', { timeout: 30000 });
        chime();
      }
    }
  }
  hooks.render();
}

/** `message.created` / `message.acknowledged`: true when taken. */
export function messageEvent(event) {
  if (event.type !== 'message.created' && event.type !== 'message.acknowledged') return false;
  const d = event.data || {};
  const newFromCentre = event.type === 'message.created' && !d.from_crew;
  load(d.assignment, { announce: newFromCentre });
  return true;
}

/** The outbox sent a message or an acknowledgement: its answer is the message. */
export function messageSent(change, answer) {
  if (change.kind !== 'message' && change.kind !== 'message_ack') return false;
  sending.delete(change.key);
  upsert(answer);
  hooks.render();
  return true;
}

/** Queue a message on the shown assignment; false when there is nothing to send. */
function send(raw) {
  const text = String(raw || '').replace(/\s+/g, ' ').trim();
  if (!text || !shown) return false;
  const key = uuid();
  const change = {
    key, kind: 'message', independent: true, assignment: shown.id, text,
    url: `/api/assignments/${shown.id}/messages/`, body: { text, idempotency_key: key },
  };
  sending.set(key, { assignment: shown.id, text, at: serverNow().toISOString() });
  hooks.render();
  hooks.queue(change).catch((err) => {
    sending.delete(key);
    notify(err?.detail || String(err), 'error');
    hooks.render();
  });
  return true;
}

function acknowledge(m) {
  const key = uuid();
  upsert({ ...m, acknowledged_at: serverNow().toISOString(), acknowledged_by_name: '' });
  hooks.render();
  hooks.queue({
    key, kind: 'message_ack', independent: true, assignment: m.assignment,
    url: `/api/assignments/${m.assignment}/messages/${m.id}/acknowledge/`,
    body: { idempotency_key: key },
  }).catch((err) => notify(err?.detail || String(err), 'error'));
}

function item(m) {
  const unread = !m.from_crew && !m.acknowledged_at;
  const who = m.from_crew ? m.author_name : `${t('crew.messages.centre')} · ${m.author_name}`;
  const status = m.acknowledged_at
    ? el('span', { class: 'a-msg-ack' }, m.acknowledged_by_name
      ? t('crew.messages.acknowledged', { time: fmtTime(m.acknowledged_at), name: m.acknowledged_by_name })
      : t('crew.messages.waiting')) // this tablet's acknowledgement, still in the outbox
    : m.from_crew ? el('span', { class: 'a-msg-ack is-open' }, t('crew.messages.not_acknowledged'))
      : el('button', {
        type: 'button', class: 'btn a-msg-ack-btn', onclick: () => acknowledge(m),
      }, t('crew.messages.acknowledge'));
  return el('li', {
    class: `a-msg ${m.from_crew ? 'from-crew' : 'from-centre'}${unread ? ' is-unread' : ''}`,
    dataset: { id: m.id, from: m.from_crew ? 'crew' : 'centre', state: unread ? 'unread' : m.acknowledged_at ? 'acknowledged' : 'open' },
  },
  el('span', { class: 'a-msg-who' }, `${who} ${fmtTime(m.sent_at)}`),
  el('span', { class: 'a-msg-text' }, m.text),
  status);
}

/** The messages of assignment a. */
export function renderMessages(a) {
  shown = a;
  if (!asked.has(a.id) && navigator.onLine !== false) load(a.id);
  const list = [...(lists.get(a.id)?.values() || [])]
    .sort((x, y) => String(x.sent_at).localeCompare(String(y.sent_at)) || x.id - y.id);
  const waiting = [...sending.entries()].filter(([, s]) => s.assignment === a.id);
  const sig = JSON.stringify([a.id, list, waiting, document.documentElement.lang]);
  if (sig === drawn) return;
  drawn = sig;
  const unread = list.filter((m) => !m.from_crew && !m.acknowledged_at).length;
  const badge = $('a-messages-unread');
  badge.hidden = unread === 0;
  badge.textContent = unread ? t('crew.messages.unread', { n: unread }) : '';
  const items = list.map(item).concat(waiting.map(([key, s]) => el('li', {
    class: 'a-msg from-crew is-waiting', dataset: { key, state: 'waiting' },
  }, el('span', { class: 'a-msg-who' }, fmtTime(s.at)), el('span', { class: 'a-msg-text' }, s.text),
  el('span', { class: 'a-msg-ack is-open' }, t('crew.messages.waiting')))));
  $('a-messages-list').replaceChildren(...(items.length ? items
    : [el('li', { class: 'a-msg-none' }, t('crew.messages.none'))]));
}
