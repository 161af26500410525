/* The review queue of proposed risk notices (*skyddsinformation*: crews' reports, partners) on
   the follow-up screen's "Hot och våld" tab, for a reviewer without a console (the centre
   manager): each proposal with its category, action, address, source and background in words
   (labels from the answer, never a code), and Godkänn / Avslå
   (POST /api/safety/notices/{id}/review/). A user the server does not let review (403) sees
   no queue. */

import { api, el, notify, t } from './common.js';
import { fill } from './followup-format.js';

const $ = (id) => document.getElementById(id);

function noticeItem(n, reload) {
  const decide = async (decision) => {
    try {
      await api(`/api/safety/notices/${n.id}/review/`, { method: 'POST', body: { decision } });
      notify(t(decision === 'approve' ? 'followup.safety.review.approved' : 'followup.safety.review.rejected'), 'ok');
    } catch (err) {
      notify(err.detail, 'error');
    }
    reload();
  };
  return el('li', { class: 'fu-notice', dataset: { notice: n.id } },
    el('p', { class: 'fu-notice-risk' }, el('b', {}, n.category_label), ' · ',
      t('followup.safety.review.action', { action: n.action_label })),
    el('p', { class: 'fu-notice-meta' }, [
      n.address,
      t('followup.safety.review.source', { source: n.source_partner_name || n.source_label || '' }),
    ].filter(Boolean).join(' · ')),
    n.background ? el('p', { class: 'fu-notice-background' },
      t('followup.safety.review.background', { text: n.background })) : null,
    el('p', { class: 'fu-notice-decide' },
      el('button', { type: 'button', class: 'btn btn-primary btn-small', onclick: () => decide('approve') },
        t('followup.safety.review.approve')),
      el('button', { type: 'button', class: 'btn btn-small', onclick: () => decide('reject') },
        t('followup.safety.review.reject'))));
}

/** The proposed notices, read again (after a decision too). */
export async function loadNoticeReview() {
  const section = $('safety-review');
  if (!section) return;
  const list = section.querySelector('.fu-notices');
  try {
    const answer = await api('/api/safety/notices/?state=proposed');
    const items = (Array.isArray(answer) ? answer : answer.results || []).filter((n) => n.state === 'proposed');
    section.hidden = false;
    fill(list, items.length ? items.map((n) => noticeItem(n, loadNoticeReview))
      : [el('li', { class: 'fu-none' }, t('followup.safety.review.none'))]);
  } catch (err) {
    section.hidden = true; // 403: not a reviewer
    if (err.status !== 403 && err.status !== 0) notify(err.detail, 'error');
  }
}

/** The queue's section at the end of the tab (hidden until the server lists it). */
export function setupNoticeReview() {
  const panel = $('safety');
  if (!panel) return;
  panel.append(el('section', { id: 'safety-review', class: 'fu-review', 'aria-labelledby': 'safety-review-title', hidden: true },
    el('h3', { id: 'safety-review-title' }, t('followup.safety.review.title')),
    el('ul', { class: 'fu-notices' })));
}
