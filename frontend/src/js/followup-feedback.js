/* Monthly feedback to each dispatcher (*individuell dataåterkoppling*, GET
   /api/followup/feedback/?month=): a dispatcher sees their own report beside the centre's
   median and it is marked read (POST .../read/); the manager sees every dispatcher's in one
   table. */

import { api, el, t } from './common.js';
import { SETUP, day, exportUrl, fill, integer, seconds, share } from './followup-format.js';

const $ = (id) => document.getElementById(id);
const body = $('feedback-body');
const month = $('feedback-month');
let controller = null;

/** The report's figures in order, each with how it is written. */
const FIGURES = [
  ['cases', integer],
  ['p1a_cases', integer],
  ['p1a_median_answer_to_alert_s', seconds],
  ['priority_changes', integer],
  ['priority_changes_with_reason_share', share],
  ['referrals', integer],
  ['referral_recontact_24h_share', share],
];

const figureName = (key) => t(`followup.feedback.figure.${key}`);
const show = (fmt, v) => (v == null ? t('followup.no_data') : fmt(v));

let picked = false;

/** Load the month picked; before any pick, the latest month with a report (the server's
    default), which then shows in the picker. */
export async function loadFeedback() {
  const q = picked && month.value ? { month: month.value } : {};
  controller?.abort();
  controller = new AbortController();
  try {
    const answer = await api(`/api/followup/feedback/?${new URLSearchParams(q)}`, { signal: controller.signal });
    if (answer.month) month.value = answer.month;
    const shown = { month: month.value };
    $('feedback-csv').href = exportUrl('/api/followup/feedback/', shown, 'csv');
    $('feedback-xlsx').href = exportUrl('/api/followup/feedback/', shown, 'xlsx');
    if (SETUP.manager) renderAll(answer);
    else renderOwn(answer);
  } catch (err) {
    if (err?.name === 'AbortError') return;
    fill(body, el('p', { class: 'alert alert-error', role: 'alert' }, err.detail));
  }
}

function others(months) {
  const rest = (months || []).filter((m) => m !== month.value).slice(0, 12);
  if (!rest.length) return null;
  return el('p', { class: 'fu-months' }, t('followup.feedback.other_months'), ' ',
    rest.flatMap((m, i) => [i ? ', ' : '', el('a', {
      href: '#feedback', onclick: (e) => { e.preventDefault(); month.value = m; picked = true; loadFeedback(); },
    }, m)]));
}

function renderOwn(answer) {
  const report = (answer.reports || []).find((r) => r.dispatcher?.id === SETUP.user) || (answer.reports || [])[0];
  if (!report) {
    fill(body, el('p', { class: 'fu-none' }, t('followup.feedback.none')), others(answer.months));
    return;
  }
  fill(body,
    el('p', { class: 'fu-made' }, t('followup.feedback.made', { date: day(report.made_at) })),
    el('div', { class: 'fu-scroll', tabindex: '0', role: 'region', 'aria-label': t('followup.feedback.own_table', { month: answer.month }) },
      el('table', { class: 'fu-table fu-feedback' },
        el('caption', { class: 'visually-hidden' }, t('followup.feedback.own_table', { month: answer.month })),
        el('thead', {}, el('tr', {},
          el('th', { scope: 'col' }, t('followup.feedback.figure_col')),
          el('th', { scope: 'col', class: 'num' }, t('followup.feedback.you')),
          el('th', { scope: 'col', class: 'num' }, t('followup.feedback.centre')))),
        el('tbody', {}, FIGURES.map(([key, fmt]) => el('tr', { dataset: { figure: key } },
          el('th', { scope: 'row' }, figureName(key)),
          el('td', { class: 'num fu-own' }, show(fmt, report.figures?.[key])),
          el('td', { class: 'num' }, show(fmt, report.centre?.[key]))))))),
    others(answer.months));
  if (!report.read_at && report.dispatcher?.id === SETUP.user) {
    api(`/api/followup/feedback/${report.id}/read/`, { method: 'POST', body: {} }).catch(() => {});
  }
}

function renderAll(answer) {
  const reports = answer.reports || [];
  if (!reports.length) {
    fill(body, el('p', { class: 'fu-none' }, t('followup.feedback.none_all')), others(answer.months));
    return;
  }
  const centre = reports[0].centre || {};
  fill(body,
    el('div', { class: 'fu-scroll', tabindex: '0', role: 'region', 'aria-label': t('followup.feedback.all_table', { month: answer.month }) },
      el('table', { class: 'fu-table fu-feedback-all' },
        el('caption', { class: 'visually-hidden' }, t('followup.feedback.all_table', { month: answer.month })),
        el('thead', {}, el('tr', {},
          el('th', { scope: 'col' }, t('followup.feedback.dispatcher')),
          FIGURES.map(([key]) => el('th', { scope: 'col', class: 'num' }, figureName(key))),
          el('th', { scope: 'col' }, t('followup.feedback.read')))),
        el('tbody', {}, reports.map((r) => el('tr', { dataset: { dispatcher: r.dispatcher?.id } },
          el('th', { scope: 'row' }, r.dispatcher?.name || '–'),
          FIGURES.map(([key, fmt]) => el('td', { class: 'num' }, show(fmt, r.figures?.[key]))),
          el('td', {}, r.read_at ? day(r.read_at) : t('followup.feedback.unread'))))),
        el('tfoot', {}, el('tr', { class: 'fu-centre-row' },
          el('th', { scope: 'row' }, t('followup.feedback.centre')),
          FIGURES.map(([key, fmt]) => el('td', { class: 'num' }, show(fmt, centre[key]))),
          el('td', {}, ''))))),
    others(answer.months));
}

export function setupFeedback() {
  const pick = () => { picked = true; loadFeedback(); };
  month.addEventListener('change', pick);
  $('feedback-form').addEventListener('submit', (e) => { e.preventDefault(); pick(); });
}
