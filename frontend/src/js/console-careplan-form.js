/* A dispatcher's or administrator's form for a care plan, from the selected case's band
   (console-person.js): a new plan with the case's identity number and caller number filled in,
   or the plan in force to change (sent with its version: a change made meanwhile by someone
   else is refused with the plan as it is now, and the form shows it again with what was
   typed kept in the fields). The server checks every rule and says what to do. */

import { api, el, notify, t } from './common.js';

// How consent may be given (careplans.models.ConsentMethod; the server refuses any other).
const CONSENT_METHODS = ['written', 'oral', 'representative'];
let dialog = null;
let hooks = { saved: () => {} };

const FIELDS = [
  // [name, type, required]
  ['personal_identity_number', 'text', false],
  ['phones', 'text', false],
  ['person_name', 'text', false],
  ['care_unit', 'text', true],
  ['valid_from', 'date', true],
  ['valid_to', 'date', true],
  ['review_date', 'date', true],
  ['consent_recorded_by', 'text', true],
  ['consent_recorded_at', 'date', true],
  ['consent_method', 'select', true],
  ['dispatcher_instructions', 'textarea', true],
  ['contact', 'text', false],
  ['crew_instructions', 'textarea', false],
];

/** saved(plan): a plan was written (the band is drawn again). */
export function setupCarePlanForm(options) {
  hooks = { ...hooks, ...options };
}

const isoDay = (offset = 0) => new Date(Date.now() + offset * 86400000).toISOString().slice(0, 10);

function build() {
  const form = el('form', { class: 'careplan-form', method: 'dialog', novalidate: true });
  const error = el('div', { class: 'alert alert-error', role: 'alert', hidden: true });
  form.append(error);
  for (const [name, type, required] of FIELDS) {
    const id = `careplan-${name}`;
    let input;
    if (type === 'textarea') input = el('textarea', { id, name, rows: 3, maxlength: 4000, required });
    else if (type === 'select') {
      input = el('select', { id, name, required }, el('option', { value: '' }, '–'),
        CONSENT_METHODS.map((value) => el('option', { value }, t(`console.person.consent_method.${value}`))));
    } else input = el('input', { id, name, type, required, autocomplete: 'off' });
    form.append(el('label', { class: 'field', for: id }, el('span', {}, t(`console.person.field.${name}`)), input));
  }
  const save = el('button', { type: 'submit', class: 'btn btn-primary', value: 'save' }, t('console.person.save'));
  const cancel = el('button', { type: 'button', class: 'btn btn-ghost' }, t('console.person.cancel'));
  form.append(el('div', { class: 'careplan-form-actions' }, save, cancel));
  const title = el('h2', { id: 'careplan-dialog-title' });
  const node = el('dialog', { id: 'careplan-dialog', class: 'careplan-dialog', 'aria-labelledby': 'careplan-dialog-title' }, title, form);
  document.body.append(node);
  cancel.addEventListener('click', () => node.close());
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    submit();
  });
  return { node, form, title, error, save, plan: null };
}

function fill(values) {
  for (const [name] of FIELDS) {
    const value = values[name];
    dialog.form.elements[name].value = Array.isArray(value) ? value.join(', ') : (value ?? '');
  }
}

/** Open the form: a new plan for case c, or `plan` (the one in force) to change. */
export function openCarePlanForm(c, plan = null) {
  dialog ??= build();
  dialog.plan = plan;
  dialog.error.hidden = true;
  dialog.title.textContent = t(plan ? 'console.person.dialog_edit' : 'console.person.dialog_new');
  fill(plan || {
    personal_identity_number: c.personal_identity_number || '',
    phones: c.caller_number ? [c.caller_number] : [],
    person_name: c.patient_name || '',
    valid_from: isoDay(), valid_to: isoDay(180), review_date: isoDay(90),
    consent_recorded_at: isoDay(),
  });
  dialog.node.showModal();
  dialog.form.elements.care_unit.focus();
}

async function submit() {
  const { form, error, save, plan } = dialog;
  const body = {};
  for (const [name] of FIELDS) {
    const value = form.elements[name].value.trim();
    body[name] = name === 'phones' ? value.split(',').map((p) => p.trim()).filter(Boolean) : value;
  }
  if (plan) body.version = plan.version;
  save.disabled = true;
  try {
    const saved = await api(plan ? `/api/care-plans/${plan.id}/` : '/api/care-plans/', {
      method: plan ? 'PATCH' : 'POST', body,
    });
    dialog.node.close();
    notify(t('console.person.saved'), 'ok');
    hooks.saved(saved);
  } catch (err) {
    error.hidden = false;
    error.textContent = err.detail;
    // Changed meanwhile: what the plan says now becomes what the change is made on.
    if (err.status === 409 && err.body?.current?.version) dialog.plan = err.body.current;
  } finally {
    save.disabled = false;
  }
}
