/* The dispatcher's form for a new risk notice (*ny skyddsinformation*), in a dialog: from a case
   (its address, position, identity number and region filled in) or free (the position last set
   in the new-case form or clicked on the map). The risk and the recommended action are chosen
   from the page's "safety" table (codes; the words are the page's strings); the validity
   defaults to the server's SAFETY_NOTICE_DEFAULT_DAYS and the review date to
   SAFETY_NOTICE_REVIEW_DAYS on (the same table). A refusal (400) is shown by the field it
   names, the rest above the form; nothing typed is lost. */

import { api, el, notify, t } from './common.js';
import { table } from './tables.js';

const SAFETY = () => table('safety') || {
  categories: [], actions: [], default_days: 365, review_days: 180, max_radius_m: 2000,
};
let hooks = { saved: () => {} };
let dialog = null;
let inputs = {};
let caseId = null;

/** saved(notice): a notice was stored. */
export function setupNoticeForm(options) {
  hooks = { ...hooks, ...options };
}

const isoDate = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const daysOn = (n) => isoDate(new Date(Date.now() + n * 86400000));

function field(name, label, control, hint) {
  const id = `nf-${name}`;
  control.id = id;
  control.name = name;
  const error = el('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  const hintNode = hint ? el('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  control.setAttribute('aria-describedby', [hintNode ? `${id}-hint` : '', `${id}-error`].filter(Boolean).join(' '));
  inputs[name] = { control, error };
  if (control.type === 'checkbox') {
    return el('div', { class: 'field field-check' }, el('label', { for: id }, control, ' ', label), hintNode, error);
  }
  return el('div', { class: 'field' }, el('label', { for: id }, label), control, hintNode, error);
}

/** words(code): the code's words (t() with a literal prefix, which the pages' test reads). */
function choices(codes, words) {
  return [el('option', { value: '' }, t('console.safety.form.choose')),
    ...codes.map((code) => el('option', { value: code }, words(code)))];
}

function regionOptions() {
  const source = document.getElementById('case-region');
  return source ? [...source.options].map((o) => el('option', { value: o.value }, o.textContent)) : [];
}

function build() {
  inputs = {};
  const s = SAFETY();
  const top = el('div', { class: 'alert alert-error', id: 'nf-error', role: 'alert', hidden: true });
  const form = el('form', { class: 'notice-form', id: 'notice-form', novalidate: true },
    top,
    field('address', t('console.safety.form.address'), el('input', { maxlength: '200', autocomplete: 'off' })),
    el('div', { class: 'row' },
      field('latitude', t('console.safety.form.latitude'),
        el('input', { type: 'number', step: 'any', min: '-90', max: '90', inputmode: 'decimal' })),
      field('longitude', t('console.safety.form.longitude'),
        el('input', { type: 'number', step: 'any', min: '-180', max: '180', inputmode: 'decimal' })),
      field('radius_m', t('console.safety.form.radius'),
        el('input', { type: 'number', min: '0', max: String(s.max_radius_m), step: '10', inputmode: 'numeric' }),
        t('console.safety.form.radius_hint', { max: s.max_radius_m }))),
    el('p', { class: 'hint' }, t('console.safety.form.position_hint')),
    el('div', { class: 'row' },
      field('personal_identity_number', t('console.safety.form.pin'),
        el('input', { maxlength: '13', autocomplete: 'off', placeholder: 'ÅÅÅÅMMDD-NNNN' })),
      // The region's label is the case form's own (the page's words).
      field('region', document.querySelector('label:has(#case-region) > span')?.textContent || '',
        el('select', {}, regionOptions()))),
    el('div', { class: 'row' },
      field('category', t('console.safety.form.category'), el('select', {}, choices(s.categories, (c) => t(`console.safety.category.${c}`)))),
      field('action', t('console.safety.form.action'), el('select', {}, choices(s.actions, (c) => t(`console.safety.action.${c}`))))),
    el('div', { class: 'row' },
      field('valid_until', t('console.safety.form.valid_until'), el('input', { type: 'date' })),
      field('review_at', t('console.safety.form.review_at'), el('input', { type: 'date' }))),
    field('background', t('console.safety.form.background'), el('textarea', { rows: '3', maxlength: '4000' })),
    field('shareable', t('console.safety.form.shareable'), el('input', { type: 'checkbox' })),
    el('div', { class: 'nf-actions' },
      el('button', { type: 'submit', class: 'btn btn-primary', id: 'nf-save' }, t('console.safety.form.save')),
      el('button', { type: 'button', class: 'btn btn-ghost', onclick: () => dialog.close() },
        t('console.safety.form.cancel'))));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    save();
  });
  dialog = el('dialog', { id: 'notice-form-dialog', class: 'notice-form-dialog', 'aria-labelledby': 'nf-title' },
    el('h2', { id: 'nf-title' }, t('console.safety.form.title')), form);
  document.body.append(dialog);
}

/** A refusal without `errors` by field names its field in its words ("… (valid_until)", "…
    YYYYMMDD-NNNN"): the field it names gets it, without the code. */
function errorsOf(detail) {
  if (!detail) return null;
  const names = Object.keys(inputs);
  // "(radius_m)" first; a bare name only when it is no word of a sentence ("valid_until is …").
  const named = names.find((name) => detail.includes(`(${name})`))
    || names.find((name) => name.includes('_') && new RegExp(`\\b${name}\\b`).test(detail));
  if (named) return { [named]: [detail.replace(new RegExp(`\\s*\\(${named}\\)`), '')] };
  if (/YYYYMMDD/.test(detail)) return { personal_identity_number: [detail] };
  return null;
}

function showErrors(detail, errors) {
  const top = document.getElementById('nf-error');
  const unplaced = [];
  for (const { control, error } of Object.values(inputs)) {
    control.removeAttribute('aria-invalid');
    error.hidden = true;
    error.textContent = '';
  }
  for (const [name, messages] of Object.entries(errors || {})) {
    const words = [messages].flat(Infinity).filter((m) => typeof m === 'string').join(' ');
    const target = inputs[name];
    if (target && words) {
      target.control.setAttribute('aria-invalid', 'true');
      target.error.textContent = words;
      target.error.hidden = false;
    } else if (words) unplaced.push(words);
  }
  const placed = Object.keys(errors || {}).some((name) => inputs[name]);
  const text = unplaced.join(' ') || (placed ? '' : detail);
  top.hidden = !text;
  top.textContent = text || '';
  const first = Object.keys(errors || {}).find((name) => inputs[name]);
  if (first) inputs[first].control.focus();
}

/** Open the form: values {address, latitude, longitude, personal_identity_number, region, case}. */
export function openNoticeForm(values = {}) {
  if (!dialog) build();
  caseId = values.case ?? null;
  document.getElementById('notice-form').reset();
  const set = (name, value) => { inputs[name].control.value = value ?? ''; };
  set('address', values.address);
  set('latitude', values.latitude != null ? Number(values.latitude).toFixed(6) : '');
  set('longitude', values.longitude != null ? Number(values.longitude).toFixed(6) : '');
  set('radius_m', '0');
  set('personal_identity_number', values.personal_identity_number);
  set('region', values.region != null ? String(values.region) : '');
  set('valid_until', daysOn(SAFETY().default_days));
  set('review_at', daysOn(SAFETY().review_days));
  showErrors('', null);
  dialog.showModal();
  inputs.category.control.focus();
}

async function save() {
  const v = (name) => inputs[name].control.value.trim();
  const number = (name) => (v(name) === '' ? null : Number(v(name)));
  const body = {
    address: v('address'), latitude: number('latitude'), longitude: number('longitude'),
    radius_m: number('radius_m') ?? 0, category: v('category'), action: v('action'),
    // The end of the chosen day, in the dispatcher's time zone.
    valid_until: v('valid_until') ? new Date(`${v('valid_until')}T23:59:59`).toISOString() : '',
    background: v('background'), shareable: inputs.shareable.control.checked,
  };
  if (v('personal_identity_number')) body.personal_identity_number = v('personal_identity_number');
  if (v('review_at')) body.review_at = v('review_at');
  if (v('region')) body.region = Number(v('region'));
  if (caseId != null) body.case = caseId;
  for (const name of ['latitude', 'longitude']) if (body[name] === null) delete body[name];
  if (body.latitude == null || body.longitude == null) {
    showErrors(t('console.safety.form.no_position'), null);
    return;
  }
  const missing = ['category', 'action'].filter((name) => !body[name]);
  if (missing.length) {
    showErrors('', Object.fromEntries(missing.map((name) => [name, [t('console.safety.form.required')]])));
    return;
  }
  const button = document.getElementById('nf-save');
  button.disabled = true;
  try {
    const notice = await api('/api/safety/notices/', { method: 'POST', body });
    dialog.close();
    notify(t('console.safety.saved'), 'ok');
    hooks.saved(notice);
  } catch (err) {
    if (err.status === 400 || err.status === 409) {
      const byField = err.body?.errors && typeof err.body.errors === 'object' && !Array.isArray(err.body.errors)
        ? err.body.errors : errorsOf(err.detail);
      showErrors(err.detail, byField);
    }
    else if (err.status === 0) showErrors(err.detail, null);
    else notify(err.detail, 'error');
  } finally {
    button.disabled = false;
  }
}
