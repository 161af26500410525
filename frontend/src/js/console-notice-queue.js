/* The review queue of proposed risk notices on the console (crew reports, partners): the top
   bar's button (with how many wait), a dialog with each proposal and "Godkänn" / "Avslå" (an
   optional reason), and "Ny skyddsinformation" (console-notice-form.js) from the position the
   case form has. `safety.notice_proposed` adds one live. A role that may not review (the
   server answers 403) has no button. */

import { api, el, fmtTime, notify, t } from './common.js';
import { openNoticeForm } from './console-notice-form.js';
import { fmtDate, noticeBody } from './console-notice-words.js';

const $ = (id) => document.getElementById(id);
const proposed = new Map(); // notice id -> NOTICE (state proposed)
let reviewer = true;
let hooks = { formPlace: () => ({}), reviewed: () => {} };

/** Whether the user may review notices (the server has not said otherwise). */
export const isReviewer = () => reviewer;

let dialog = null;

function openButton() {
  return $('notices-open');
}

function renderOpenButton() {
  const button = openButton();
  if (!button) return;
  button.hidden = !reviewer;
  const n = proposed.size;
  button.textContent = n ? t('console.safety.open_n', { n }) : t('console.safety.open');
  button.classList.toggle('has-proposed', n > 0);
}

async function review(notice, decision, note) {
  try {
    await api(`/api/safety/notices/${notice.id}/review/`, {
      method: 'POST', body: note ? { decision, note } : { decision },
    });
    proposed.delete(notice.id);
    notify(t(decision === 'approve' ? 'console.safety.approved' : 'console.safety.rejected'), 'ok');
    hooks.reviewed(); // an approved notice may match a case
  } catch (err) {
    notify(err.detail, 'error');
    if (err.status === 404 || err.status === 409 || err.status === 400) loadProposed();
  }
  renderQueue();
}

function queueItem(n) {
  const note = el('input', { class: 'sn-note', maxlength: '200', 'aria-label': t('console.safety.reject_note') });
  return el('li', { class: `sn-item sn-${n.category}`, dataset: { notice: n.id } },
    noticeBody(n, null),
    el('p', { class: 'sn-meta' }, t('console.safety.entered', {
      name: n.entered_by_name || n.source_partner_name || '', time: n.entered_at ? `${fmtDate(n.entered_at)} ${fmtTime(n.entered_at)}` : '',
    })),
    el('p', { class: 'sn-decide' },
      el('button', {
        type: 'button', class: 'btn btn-primary btn-small sn-approve', onclick: () => review(n, 'approve'),
      }, t('console.safety.approve')),
      note,
      el('button', {
        type: 'button', class: 'btn btn-ghost btn-small sn-reject', onclick: () => review(n, 'reject', note.value.trim()),
      }, t('console.safety.reject'))));
}

export function renderQueue() {
  renderOpenButton();
  if (!dialog) return;
  const list = [...proposed.values()].sort((a, b) => String(b.entered_at).localeCompare(String(a.entered_at)));
  dialog.querySelector('.sn-queue').replaceChildren(...(list.length ? list.map(queueItem)
    : [el('li', { class: 'sn-none' }, t('console.safety.queue_none'))]));
}

function makeDialog() {
  dialog = el('dialog', { id: 'notices-dialog', class: 'notices-dialog', 'aria-labelledby': 'notices-dialog-title' },
    el('div', { class: 'nd-head' },
      el('h2', { id: 'notices-dialog-title' }, t('console.safety.title')),
      el('button', {
        type: 'button', class: 'btn btn-primary btn-small nd-new',
        onclick: () => { dialog.close(); openNoticeForm(hooks.formPlace()); },
      }, t('console.safety.new')),
      el('button', { type: 'button', class: 'btn btn-ghost btn-small nd-close', onclick: () => dialog.close() },
        t('close'))),
    el('h3', { class: 'nd-queue-title' }, t('console.safety.queue')),
    el('ul', { class: 'sn-queue sn-list' }));
  document.body.append(dialog);
}

function openQueue() {
  if (!dialog) makeDialog();
  renderQueue();
  dialog.showModal();
  loadProposed();
}

export async function loadProposed() {
  try {
    const list = await api('/api/safety/notices/?state=proposed');
    const items = Array.isArray(list) ? list : list.results || list.notices || [];
    proposed.clear();
    for (const n of items) if (n.state === 'proposed') proposed.set(n.id, n);
  } catch (err) {
    if (err.status === 403) reviewer = false;
    else if (err.status !== 0) notify(err.detail, 'error');
  }
  renderQueue();
}

/** A notice proposed (`safety.notice_proposed`) or decided elsewhere: the queue follows. */
export function queueNotice(notice, { announce = false } = {}) {
  if (notice?.id == null) return;
  if (notice.state === 'proposed') {
    proposed.set(notice.id, notice);
    if (announce) {
      notify(t('console.safety.proposed', { category: notice.category_label || '', address: notice.address || '' }), 'warn');
    }
  } else proposed.delete(notice.id);
  renderQueue();
}

/** formPlace(): the case form's place (a free notice starts there); reviewed(): a proposal was decided. */
export function setupQueue(options) {
  hooks = { ...hooks, ...options };
  openButton()?.addEventListener('click', openQueue);
  loadProposed();
}
