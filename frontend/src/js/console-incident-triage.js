/* Mass-casualty triage (*masskadetriage*) on the console's case forms: while TiB's switch to it
   holds (GET /api/incidents/mode/ on load, then `incident.mode` events, and again after each
   `incident.triage`), the new-case form and the case's edit offer the triage category
   (Case.mass_triage). The categories are the page's "incident" table's codes, their words the
   server's (console.incident.mass_triage_label): nothing here names one. A case that has a
   category keeps showing it after the mode ends, so it is never lost unseen. */

import { api, el, t } from './common.js';
import { table } from './tables.js';

const w = (key, params) => t(`console.incident.${key}`, params);
const CODES = () => table('incident')?.mass_triage || [];

let mode = { active: false, title: '' };
const fields = new Set(); // the triage fields drawn: shown or hidden with the mode

function sync(field) {
  field.node.hidden = !mode.active && !field.select.value;
  field.hint.textContent = mode.active ? w('mass_triage_hint', { title: mode.title || '' }) : '';
}

function syncAll() {
  fields.forEach(sync);
}

/** A triage select (id `${prefix}-mass-triage`): {node, select, set(value), value()}. */
export function massTriageField(prefix) {
  const select = el('select', { id: `${prefix}-mass-triage`, name: 'mass_triage', class: 'mass-triage-select' },
    el('option', { value: '' }, w('mass_triage_none')),
    CODES().map((code) => el('option', { value: code, dataset: { triage: code } }, w(`mass_triage_label.${code}`))));
  const hint = el('small', { class: 'hint mass-triage-hint', id: `${prefix}-mass-triage-hint` });
  select.setAttribute('aria-describedby', hint.id);
  const node = el('label', { class: 'field mass-triage-field', for: select.id },
    el('span', {}, w('mass_triage')), select, hint);
  const field = {
    node, select, hint,
    set: (value) => { select.value = value || ''; sync(field); },
    value: () => select.value,
  };
  select.addEventListener('change', () => { select.dataset.triage = select.value; });
  fields.add(field);
  sync(field);
  return field;
}

function setMode(next) {
  mode = { active: Boolean(next?.active), title: next?.title || '' };
  document.body.classList.toggle('mass-triage-on', mode.active);
  syncAll();
}

/** The mode as the server has it (on load, after a reset, after `incident.triage`). */
export async function modeLoad() {
  try {
    setMode(await api('/api/incidents/mode/'));
  } catch { /* the mode stays as known; the next event tells */ }
}

/** `incident.mode` (the incident-mode stream): true when it was one. */
export function modeEvent(event) {
  if (event.type !== 'incident.mode') return false;
  setMode(event.data || {});
  return true;
}

export const massTriageActive = () => mode.active;

/* The new-case form: the field after the priorities, its value sent with the case. */
let formField = null;
function setupNewCaseForm() {
  const form = document.getElementById('case-form');
  const after = document.getElementById('case-reason-field');
  if (!form || !after) return;
  formField = massTriageField('case');
  after.after(formField.node);
  form.addEventListener('reset', () => formField.set(''));
}

/** What the new-case form adds to its body (nothing when no category is chosen). */
export function newCaseTriage() {
  return formField?.value() ? { mass_triage: formField.value() } : {};
}

if (typeof document !== 'undefined') setupNewCaseForm();
