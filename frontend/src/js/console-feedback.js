/* The dispatcher's monthly feedback: a notice when their report is ready, with a link to it
   on the follow-up screen. Told live on the dispatcher's own stream (`feedback.<id>`,
   `feedback.ready`); a report made while the console was closed is told once at start-up, if
   it is still unread. */

import { api, el, notify, t } from './common.js';

const told = new Set(); // report ids told on this page
let asked = false;

/** "2026-11" -> the month's name in the page's language ("november"). */
function monthName(month) {
  const n = Number(String(month || '').split('-')[1]);
  return t(`console.feedback.month.${n}`);
}

function tell(report) {
  if (!report?.id || told.has(report.id)) return;
  told.add(report.id);
  const notice = notify(t('console.feedback.ready', { month: monthName(report.month) }), 'info', { timeout: 0 });
  if (!notice) return;
  notice.classList.add('notice-feedback');
  notice.querySelector('p')?.append(' ', el('a', { href: '/followup/#feedback' }, t('console.feedback.open')));
}

/** True when `event` was the feedback's (and it was handled). */
export function feedbackEvent(event) {
  if (event.type !== 'feedback.ready') return false;
  tell(event.data);
  return true;
}

/** The feedback stream was (re)joined: tell the latest report once if it is still unread. */
export async function feedbackReset() {
  if (asked) return;
  asked = true;
  try {
    const latest = await api('/api/followup/feedback/');
    const own = (latest.reports || []).find((r) => !r.read_at);
    if (own) tell(own);
  } catch { /* the notice is a convenience: the follow-up screen has the report */ }
}
