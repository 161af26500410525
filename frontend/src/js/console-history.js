/* A case's history on the console (GET /api/cases/{id}/history/, dispatch/history.py), in a
   dialog opened by "Historik" on the case or from its edit: the registration, each change (who,
   when, from, to, and why), the units alerted (and why one that was not dispatchable went), their
   statuses and destinations, and the messages between crews and the centre, oldest first. The
   server gives each value in words beside its code; the screen shows the words. */

import { api, el, fmtTime, notify, statusLabel, t } from './common.js';

let dialog = null;
let shown = null; // the case whose history is open

function build() {
  const close = el('button', { type: 'button', class: 'btn btn-ghost btn-small' }, t('close'));
  const title = el('h2', { id: 'case-history-title' });
  const list = el('ol', { class: 'case-history-list', id: 'case-history-list', 'aria-live': 'polite' });
  const node = el('dialog', { class: 'case-history', id: 'case-history', 'aria-labelledby': title.id },
    el('div', { class: 'case-history-head' }, title, close), list);
  close.addEventListener('click', () => node.close());
  node.addEventListener('close', () => { shown = null; });
  document.body.append(node);
  return { node, title, list };
}

const value = (label) => label || t('console.history.empty');

/** What an entry says, in words. */
function describe(e) {
  switch (e.kind) {
    case 'registered':
      return [t('console.history.registered', { priority: e.priority_label, mbs: e.mbs_priority_label }),
        e.reason ? t('console.history.reason', { reason: e.reason }) : null];
    case 'change':
      return [`${t(`console.history.field.${e.field}`)}: ${value(e.old_label)} → ${value(e.new_label)}`,
        e.reason ? t('console.history.reason', { reason: e.reason }) : null];
    case 'dispatched':
      return [t('console.history.dispatched', { unit: e.unit }),
        e.override ? t('console.history.override', { reason: e.reason }) : null];
    case 'status':
      return [`${e.unit}: ${statusLabel(e.status)}`];
    case 'destination':
      return [t('console.history.destination', { unit: e.unit, name: e.destination })];
    case 'staging':
      return [t('console.staging.history', { unit: e.unit }), e.reason ? t('console.history.reason', { reason: e.reason }) : null];
    case 'staging_released':
      return [t('console.staging.history_released', { unit: e.unit })];
    case 'message':
      return [t(e.from_crew ? 'console.history.message_crew' : 'console.history.message_centre', { unit: e.unit, text: e.text }),
        e.acknowledged_at ? t('console.history.acknowledged', { time: fmtTime(e.acknowledged_at, true) }) : null];
    case 'closed':
      return [t('console.history.closed')];
    default: // an entry another app adds (the panic alarm's) comes with its words
      return [e.text || e.kind, e.reason ? t('console.history.reason', { reason: e.reason }) : null];
  }
}

function entry(e) {
  const [what, why] = describe(e);
  return el('li', { class: `history-entry history-${e.kind}`, dataset: { kind: e.kind, field: e.field || '' } },
    el('time', { class: 'history-at', datetime: e.at }, fmtTime(e.at, true)),
    el('span', { class: 'history-what' }, what),
    e.by ? el('span', { class: 'history-by' }, ` ${t('console.history.by', { name: e.by })}`) : null,
    why ? el('span', { class: 'history-why' }, why) : null);
}

/** Open the history of case `id` (read again each time: a recorded read). */
export async function openHistory(id) {
  dialog ??= build();
  shown = id;
  dialog.list.replaceChildren(el('li', { class: 'history-loading' }, t('console.history.loading')));
  if (!dialog.node.open) dialog.node.showModal();
  let body;
  try {
    body = await api(`/api/cases/${id}/history/`);
  } catch (err) {
    dialog.node.close();
    notify(err.detail, 'error');
    return;
  }
  if (shown !== id) return;
  dialog.title.textContent = t('console.history.title', { ref: body.reference });
  dialog.list.replaceChildren(...body.entries.map(entry));
}

/** A case changed (the `dispatch` stream): its open history is read again. */
export function historyEvent(data) {
  if (dialog?.node.open && shown === data.id) openHistory(data.id);
}
