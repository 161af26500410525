/* The statistics of referrals on the console (GET /api/referrals/stats/), in a dialog opened
   from the list of open referrals: per mobile care unit over the days chosen (referrals,
   accepted, declined, withdrawn, overdue, open, acceptance rate, median times to accept and to
   visit, the outcomes), and the share of referred cases that called again with priority 1 within
   24 h (M5). */

import { api, el, t } from './common.js';
import { table } from './tables.js';

/** The server's referral rules (frontend/tables.py): the outcomes in order. */
const REFERRAL = table('referral');

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

/** Open the dialog (built the first time, with the last 30 days) and show the days chosen. */
export function openStats() {
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
    // Two tables that fit the dialog side by side with the unit on each row (one table of
    // fourteen columns ran off its edge): the answers and times, then the visits' outcomes.
    const units = stats.units || [];
    const answers = units.map((u) => el('tr', { dataset: { unit: u.unit, callSign: u.call_sign } },
      el('th', { scope: 'row' }, u.call_sign),
      ...['referrals', 'accepted', 'declined', 'withdrawn', 'overdue', 'open'].map((k) => el('td', { class: 'num', dataset: { col: k } }, String(u[k] ?? 0))),
      el('td', { class: 'num' }, pct(u.acceptance_rate)),
      el('td', { class: 'num' }, mins(u.median_s_to_accept)),
      el('td', { class: 'num' }, mins(u.median_s_to_visit))));
    const outcomes = units.map((u) => el('tr', { dataset: { unit: u.unit, callSign: u.call_sign } },
      el('th', { scope: 'row' }, u.call_sign),
      ...REFERRAL.outcomes.map((o) => el('td', { class: 'num', dataset: { col: o } }, String(u.outcomes?.[o] ?? 0)))));
    const heads = (cols) => el('thead', {}, el('tr', {}, cols.map((c) => el('th', { scope: 'col' },
      REFERRAL.outcomes.includes(c) ? t(`referral.outcome.${c}`) : t(`console.referrals.stats.col.${c}`)))));
    body.replaceChildren(
      units.length ? el('div', { class: 'referral-stats-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'referral-stats-title' },
        el('table', { class: 'referral-stats-table' },
          heads(['unit', 'referrals', 'accepted', 'declined', 'withdrawn', 'overdue', 'open', 'acceptance_rate', 'to_accept', 'to_visit']),
          el('tbody', {}, answers)),
        el('table', { class: 'referral-stats-table referral-stats-outcomes' },
          el('caption', {}, t('console.referrals.stats.outcomes')),
          heads(['unit', ...REFERRAL.outcomes]), el('tbody', {}, outcomes))) : el('p', {}, t('console.referrals.stats.none')),
      el('p', { class: 'referral-stats-m5', dataset: { share: stats.m5_referral_recontact_p1_24h_share ?? '' } },
        t('console.referrals.stats.m5', {
          share: pct(stats.m5_referral_recontact_p1_24h_share),
          n: stats.m5_recontacted_cases ?? 0, of: stats.m5_referred_cases ?? 0,
        })));
  } catch (err) {
    body.replaceChildren(el('p', { class: 'alert alert-error', role: 'alert' }, err.detail));
  }
}
