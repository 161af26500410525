/* Messages with a unit's crew on the console (*meddelanden*): every assignment row shows how
   many of the crew's messages wait for the centre's acknowledgement; on the selected case each
   assignment row has its messages, oldest first, with who wrote each and whether the other side
   acknowledged it ("Kvitterat 12:03 av Sara Nilsson"), "Acknowledge" on the crew's unread ones,
   quick messages and a text field. `message.created` / `message.acknowledged` on the console's
   stream carry no words: the case (its unread counts) and an open list are fetched again, and
   a new message from a crew is announced. */

import { ACTIVE, api, el, fmtTime, notify, t, uuid } from './common.js';
import { fetchCase, scheduleRender, state } from './console-state.js';

// The quick messages' keys, in the order they are offered (frontend/strings/assignment.py).
const QUICK = ['understood', 'police', 'wait', 'call'];
const lists = new Map(); // assignment id -> messages, oldest first
const asked = new Set(); // assignment ids fetched, or on the way
const forms = new Map(); // assignment id -> its form (kept across redraws: the typed text stays)
let version = 0; // raised by every change here: the case cards depend on it

/** What the case cards depend on here (a card is drawn again when it changes). */
export const messagesSig = () => version;

function changed() {
  version += 1;
  scheduleRender();
}

async function load(assignmentId) {
  asked.add(assignmentId);
  try {
    lists.set(assignmentId, await api(`/api/assignments/${assignmentId}/messages/`));
  } catch (err) {
    asked.delete(assignmentId);
    if (err.status !== 0) notify(err.detail, 'error');
  }
  changed();
}

/** `message.created` / `message.acknowledged`: true when taken. */
export function messagesEvent(event) {
  if (event.type !== 'message.created' && event.type !== 'message.acknowledged') return false;
  const d = event.data || {};
  fetchCase(d.case); // the rows' unread counts
  if (asked.has(d.assignment)) load(d.assignment);
  if (event.type === 'message.created' && d.from_crew) {
    const a = state.cases.get(d.case)?.assignments.find((x) => x.id === d.assignment);
    notify(t('console.messages.new', { unit: a?.unit_call_sign || '' }), 'warn', { timeout: 30000 });
  }
  return true;
}

async function send(a, text, form) {
  text = String(text || '').replace(/\s+/g, ' ').trim();
  if (!text) return;
  try {
    await api(`/api/assignments/${a.id}/messages/`, {
      method: 'POST', body: { text, idempotency_key: uuid() },
    });
    if (form) form.elements.text.value = '';
    load(a.id);
  } catch (err) {
    notify(err.detail, 'error');
  }
}

async function acknowledge(caseId, m) {
  try {
    await api(`/api/assignments/${m.assignment}/messages/${m.id}/acknowledge/`, { method: 'POST' });
    load(m.assignment);
    fetchCase(caseId);
  } catch (err) {
    notify(err.detail, 'error');
  }
}

function formFor(a) {
  let form = forms.get(a.id);
  if (!form) {
    form = el('form', { class: 'msg-form' },
      el('input', {
        name: 'text', maxlength: 500, autocomplete: 'off', placeholder: t('console.messages.write'),
        'aria-label': t('console.messages.title', { unit: a.unit_call_sign }),
      }),
      el('button', { type: 'submit', class: 'btn btn-primary btn-small' }, t('console.messages.send')));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      send(a, form.elements.text.value, form);
    });
    forms.set(a.id, form);
  }
  // Moved into the redrawn row: the field keeps its focus.
  if (document.activeElement === form.elements.text) {
    queueMicrotask(() => form.isConnected && form.elements.text.focus());
  }
  return form;
}

function item(c, m) {
  const unread = m.from_crew && !m.acknowledged_at;
  const status = m.acknowledged_at
    ? el('span', { class: 'msg-ack' }, t('console.messages.acknowledged', {
      time: fmtTime(m.acknowledged_at), name: m.acknowledged_by_name }))
    : m.from_crew
      ? el('button', { type: 'button', class: 'btn btn-primary btn-small msg-ack-btn', onclick: () => acknowledge(c.id, m) },
        t('console.messages.acknowledge'))
      : el('span', { class: 'msg-ack is-open' }, t('console.messages.not_acknowledged'));
  return el('li', {
    class: `msg ${m.from_crew ? 'from-crew' : 'from-centre'}${unread ? ' is-unread' : ''}`,
    dataset: { id: m.id, from: m.from_crew ? 'crew' : 'centre', state: unread ? 'unread' : m.acknowledged_at ? 'acknowledged' : 'open' },
  },
  el('span', { class: 'msg-who' }, `${m.author_name} ${fmtTime(m.sent_at)}`),
  el('span', { class: 'msg-text' }, m.text),
  status);
}

/** What the assignment row shows of its messages: the unread count, and on the selected case
    the messages themselves (nodes to append, possibly none). */
export function messagesPart(c, a) {
  const out = [];
  if (a.unread_messages) {
    out.push(el('span', { class: 'asg-unread', dataset: { unread: a.unread_messages } },
      t('console.messages.unread', { n: a.unread_messages })));
  }
  const active = ACTIVE.has(a.status);
  if (state.selectedCase !== c.id || (!active && !a.unread_messages && !lists.get(a.id)?.length)) return out;
  if (!asked.has(a.id)) load(a.id);
  const list = lists.get(a.id) || [];
  out.push(el('div', { class: 'asg-messages', dataset: { assignment: a.id } },
    el('ol', { class: 'msg-list', 'aria-label': t('console.messages.title', { unit: a.unit_call_sign }) },
      list.length ? list.map((m) => item(c, m)) : el('li', { class: 'msg-none' }, t('console.messages.none'))),
    active ? el('div', { class: 'msg-quick' }, QUICK.map((key) => el('button', {
      type: 'button', class: 'btn btn-ghost btn-small', dataset: { quick: key },
      onclick: () => send(a, t(`console.messages.quick.${key}`)),
    }, t(`console.messages.quick.${key}`)))) : null,
    active ? formFor(a) : null));
  return out;
}
