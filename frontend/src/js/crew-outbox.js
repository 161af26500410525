/* What the crew tablet shows of its outbox: the changes not sent yet ("Waiting to send") and
   those refused until the crew has seen them, the "sending n changes" line under the step
   buttons, and the refusal banner. The changes are the screen's (crew.js queues them); a part
   of the card that queues its own kind of change names it here (label). */

import { el, fmtTime, isOffline, statusLabel, t } from './common.js';

const $ = (id) => document.getElementById(id);
const labels = []; // change -> its words, or null (the parts' own kinds)

/** label(change): the words for a kind of change a part of the card queues, or null. */
export function outboxLabel(label) {
  labels.push(label);
}

function what(c) {
  for (const label of labels) {
    const words = label(c);
    if (words) return words;
  }
  return c.kind === 'position' ? t('crew.position')
    : c.kind === 'destination' ? t('crew.destination.change', { name: c.hospital?.name || '' })
      : statusLabel(c.status);
}

export function showRefusal(message) {
  $('refusal-text').textContent = message;
  $('refusal').hidden = false;
}

export function hideRefusal() {
  $('refusal').hidden = true;
}

/** The "sending" line under the step buttons. */
export function setSync(outbox) {
  const waiting = outbox.list.filter((c) => c.state === 'waiting').length;
  const node = $('a-sync');
  node.hidden = waiting === 0;
  node.textContent = waiting === 0 ? ''
    : isOffline() || !navigator.onLine ? t('crew.queued', { n: waiting })
      : t('crew.sending_n', { n: waiting });
}

/** The list of what waits and what was refused. */
export function renderOutbox(outbox) {
  setSync(outbox);
  const list = $('outbox-list');
  const box = $('outbox');
  const statusChanges = outbox.list.filter((c) => c.kind !== 'position' || c.state === 'refused');
  const positions = outbox.list.filter((c) => c.kind === 'position' && c.state === 'waiting').length;
  box.hidden = !statusChanges.length && !positions;
  const at = (c) => fmtTime(c.body?.at || c.createdAt, true);
  const items = statusChanges.map((c) => {
    if (c.state === 'refused') {
      return el('li', { class: 'ob-item is-refused', dataset: { key: c.key, state: 'refused' } },
        el('span', { class: 'ob-what' }, `${what(c)} ${at(c)}`),
        el('span', { class: 'ob-state' }, t('crew.refused', { detail: c.detail })),
        el('button', {
          type: 'button', class: 'btn btn-ghost ob-dismiss',
          onclick: async () => { await outbox.dismiss(c); hideRefusal(); },
        }, t('crew.seen')));
    }
    return el('li', { class: 'ob-item', dataset: { key: c.key, state: 'waiting' } },
      el('span', { class: 'ob-what' }, `${what(c)} ${at(c)}`),
      el('span', { class: 'ob-state' }, t('crew.waiting')));
  });
  if (positions) {
    items.push(el('li', { class: 'ob-item', dataset: { state: 'waiting', kind: 'position' } },
      el('span', { class: 'ob-what' }, t('crew.positions', { n: positions })),
      el('span', { class: 'ob-state' }, t('crew.waiting'))));
  }
  list.replaceChildren(...items);
  $('outbox-count').textContent = String(outbox.list.filter((c) => c.state === 'waiting').length);
}
