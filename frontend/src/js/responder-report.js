/* The first responder's short report after a case they accepted (POST
   /api/ivpa/alerts/<id>/report/): CPR started, defibrillator attached and shocks, when they
   arrived, notes, how they are, and whether they want to be called. */

import { api, t } from './common.js';
import { ENGAGED } from './responder-alert.js';

const $ = (id) => document.getElementById(id);
let hooks = { alert: () => null, reported: () => {} };

/** alert(id): the alert as known; reported(id, report): the server took the report. */
export function setupReport(options) {
  hooks = { ...hooks, ...options };
}

/** The form under an ended alert the responder accepted, until the report is sent. */
export function renderReport(a) {
  if (!a) return;
  const reportable = a.active === false && Boolean(a.accepted_at) && ENGAGED.has(a.status);
  const form = $('report');
  const showForm = reportable && !a.report;
  if (showForm && form.hidden) fillReport(a);
  form.hidden = !showForm;
  form.dataset.alert = a.id;
  $('report-done').hidden = !(reportable && a.report);
  $('report-done').textContent = a.report ? t('responder.report_sent') : '';
}

function localTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

function fillReport(a) {
  const form = $('report');
  form.reset();
  $('r-arrived').value = localTime(a.arrived_at);
  $('report-error').hidden = true;
}

function yesNo(name) {
  const value = $('report').querySelector(`input[name="${name}"]:checked`)?.value;
  return value === 'yes' ? true : value === 'no' ? false : null;
}

$('report').addEventListener('submit', async (event) => {
  event.preventDefault();
  const id = Number($('report').dataset.alert);
  const a = hooks.alert(id);
  if (!a) return;
  const body = {
    cpr_started: yesNo('cpr_started'),
    aed_attached: yesNo('aed_attached'),
    aed_shocks: $('r-shocks').value === '' ? null : Number($('r-shocks').value),
    notes: $('r-notes').value.trim(),
    wellbeing: Number($('report').querySelector('input[name="wellbeing"]:checked')?.value) || null,
    wants_debrief: $('r-debrief').checked,
  };
  const time = $('r-arrived').value;
  if (time && a.accepted_at) {
    const [h, m] = time.split(':').map(Number);
    const day = new Date(a.accepted_at);
    const arrived = new Date(day.getFullYear(), day.getMonth(), day.getDate(), h, m);
    if (arrived < day && day - arrived > 12 * 3600 * 1000) arrived.setDate(arrived.getDate() + 1);
    body.arrived_at = new Date(Math.max(arrived.getTime(), Date.parse(a.accepted_at))).toISOString();
  }
  const submit = $('report-submit');
  submit.disabled = true;
  try {
    const report = await api(`/api/ivpa/alerts/${id}/report/`, { method: 'POST', body });
    hooks.reported(id, report);
  } catch (err) {
    $('report-error').hidden = false;
    $('report-error').textContent = err.detail;
  } finally {
    submit.disabled = false;
  }
});
