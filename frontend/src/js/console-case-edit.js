/* Editing a registered case on the console (PATCH /api/cases/{id}/, dispatch/services/
   case_edit.py), in a dialog opened by "Ändra" on the case: the chosen priority (with the
   reason, asked for when it differs from the MBS priority or changes: seed 000's measure 7),
   the address searched as at registration (console-address.js's combobox: a pick gives the
   position, the municipality and so the region) or typed, the position, the complaint, the kind
   of case, the scene flags, the capabilities the unit must have, the safety warning, the door
   code and notes. The choices are the registration form's own (console-form's page).

   Only what the dispatcher changed is sent, with the version the form was filled from: when
   someone else changed the case meanwhile the server answers 409 with the current values,
   which the form reloads ("Någon annan ändrade ärendet…") with the dispatcher's own changes
   put back on top, each marked with the value it replaces; nothing is saved over anyone's
   change unseen. The case's history (console-history.js) is one click away. */

import { api, el, notify, t } from './common.js';
import { addressCombobox } from './console-address.js';
import { massTriageField } from './console-incident-triage.js';
import { markPick, zoomTo } from './console-map.js';
import { openHistory } from './console-history.js';
import { state, upsertCase } from './console-state.js';

const TEXTS = ['address', 'complaint', 'safety_warning', 'door_code', 'notes'];
const LISTS = ['scene_flags', 'required_capabilities'];
let editor = null;

/** The registration form's choices for `name` (options or checkboxes): [[value, label]]. */
function choices(name) {
  const form = document.getElementById('case-form');
  const select = form?.querySelector(`select[name="${name}"]`);
  if (select) return [...select.options].filter((o) => o.value).map((o) => [o.value, o.textContent.trim()]);
  return [...(form?.querySelectorAll(`input[name="${name}"]`) || [])]
    .map((input) => [input.value, input.closest('label')?.textContent.trim() || input.value]);
}

const label = (name) => t(`console.edit.field.${name}`);

function textField(name, { area = false, max = 200, warn = false } = {}) {
  const input = el(area ? 'textarea' : 'input', { id: `edit-${name}`, name, maxlength: String(max), rows: area ? '3' : null, autocomplete: 'off' });
  return [input, el('label', { class: `field${warn ? ' field-warn' : ''}`, for: input.id }, el('span', {}, label(name)), input)];
}

function checkGroup(name) {
  const boxes = choices(name).map(([value, text]) => el('label', { class: 'check' },
    el('input', { type: 'checkbox', name, value }), ` ${text}`));
  return el('fieldset', { class: 'flags', id: `edit-${name}` }, el('legend', {}, label(name)), ...boxes);
}

function build() {
  const f = {};
  const form = el('form', { class: 'case-edit-form', novalidate: true });
  f.priority = el('select', { id: 'edit-priority', name: 'priority', required: true },
    choices('priority').map(([value, text]) => el('option', { value }, text)));
  f.mbs = el('span', { class: 'case-edit-mbs', id: 'edit-mbs' });
  f.reason = el('input', { id: 'edit-reason', name: 'priority_change_reason', maxlength: '200', autocomplete: 'off' });
  f.reasonField = el('label', { class: 'field', id: 'edit-reason-field', for: 'edit-reason' },
    el('span', {}, label('priority_change_reason')), f.reason,
    el('small', { class: 'hint' }, t('console.edit.reason_hint')));
  for (const name of TEXTS) [f[name]] = textField(name, { area: name === 'notes', max: { door_code: 40, notes: 4000 }[name] || 200 });
  f.addressList = el('ul', { id: 'edit-address-list', role: 'listbox', class: 'combo-list', hidden: true });
  f.addressStatus = el('p', { id: 'edit-address-status', class: 'hint', 'aria-live': 'polite' });
  f.address.setAttribute('role', 'combobox');
  f.address.setAttribute('aria-autocomplete', 'list');
  f.address.setAttribute('aria-controls', f.addressList.id);
  f.address.setAttribute('aria-expanded', 'false');
  f.municipality = el('input', { id: 'edit-municipality', name: 'municipality', maxlength: '80', autocomplete: 'off' });
  f.latitude = el('input', { id: 'edit-lat', name: 'latitude', type: 'number', step: 'any', min: '-90', max: '90', required: true });
  f.longitude = el('input', { id: 'edit-lon', name: 'longitude', type: 'number', step: 'any', min: '-180', max: '180', required: true });
  f.case_type = el('select', { id: 'edit-case_type', name: 'case_type' },
    choices('case_type').map(([value, text]) => el('option', { value }, text)));
  f.massTriage = massTriageField('edit'); // while mass-casualty triage holds
  f.scene_flags = checkGroup('scene_flags');
  f.required_capabilities = checkGroup('required_capabilities');
  f.error = el('p', { class: 'form-error', id: 'edit-error', role: 'alert', hidden: true });
  f.note = el('p', { class: 'case-edit-note', id: 'edit-note', 'aria-live': 'polite', hidden: true });
  f.save = el('button', { type: 'submit', class: 'btn btn-primary', id: 'edit-save' }, t('console.edit.save'));
  const cancel = el('button', { type: 'button', class: 'btn btn-ghost' }, t('console.edit.cancel'));
  const history = el('button', { type: 'button', class: 'btn btn-ghost', id: 'edit-history' }, t('console.edit.history'));
  const field = (name, input) => el('label', { class: 'field grow', for: input.id }, el('span', {}, label(name)), input);
  form.append(
    el('div', { class: 'row' }, field('priority', f.priority), f.mbs),
    f.reasonField, f.massTriage.node,
    el('label', { class: 'field', for: f.address.id }, el('span', {}, label('address')), f.address),
    f.addressList, f.addressStatus,
    el('div', { class: 'row' }, field('municipality', f.municipality),
      el('label', { class: 'field grow', for: f.latitude.id }, el('span', {}, t('console.edit.latitude')), f.latitude),
      el('label', { class: 'field grow', for: f.longitude.id }, el('span', {}, t('console.edit.longitude')), f.longitude)),
    f.complaint.closest('label'),
    el('div', { class: 'row' }, field('case_type', f.case_type), f.door_code.closest('label')),
    f.scene_flags, f.required_capabilities,
    f.safety_warning.closest('label'), f.notes.closest('label'),
    f.note, f.error,
    el('div', { class: 'case-edit-actions' }, f.save, history, cancel));
  f.safety_warning.closest('label').classList.add('field-warn');
  f.title = el('h2', { id: 'case-edit-title' });
  const dialog = el('dialog', { class: 'case-edit', id: 'case-edit', 'aria-labelledby': 'case-edit-title' },
    el('div', { class: 'case-edit-head' }, f.title), form);
  document.body.append(dialog);

  f.combo = addressCombobox({
    input: f.address, list: f.addressList, status: f.addressStatus, optionPrefix: 'edit-address-option',
    regionCode: () => state.regions.get(editor?.loaded?.region)?.code,
    onPick: (hit) => {
      f.address.value = hit.label;
      f.latitude.value = hit.latitude.toFixed(6);
      f.longitude.value = hit.longitude.toFixed(6);
      f.municipality.value = hit.municipality || '';
      editor.place = { code: hit.municipality_code || '', name: hit.municipality || '' };
      f.addressStatus.textContent = t('console.map.picked', { label: hit.label });
      markPick(hit.latitude, hit.longitude);
      zoomTo(hit.latitude, hit.longitude);
    },
    onTyped: () => true,
  });
  f.municipality.addEventListener('input', () => { editor.place = null; });
  f.priority.addEventListener('change', syncReason);
  f.reason.addEventListener('input', () => { f.reason.dataset.typed = '1'; });
  cancel.addEventListener('click', () => dialog.close());
  history.addEventListener('click', () => openHistory(editor.caseId));
  dialog.addEventListener('close', () => { f.combo.reset(); markPick(NaN, NaN); });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    save();
  });
  return { dialog, form, f, caseId: null, loaded: null, place: null };
}

/** The reason is asked for when the priority chosen now differs from the MBS priority or from
    the priority the case had; a new priority starts with an empty reason. */
function syncReason() {
  const { f, loaded } = editor;
  const moved = f.priority.value !== loaded.priority;
  const differs = f.priority.value !== loaded.mbs_priority;
  f.reasonField.hidden = !(moved || differs);
  f.reason.required = moved || differs;
  // What the dispatcher typed stays while they change the priority back and forth.
  if (f.reason.dataset.typed !== '1') f.reason.value = moved ? '' : (loaded.priority_change_reason || '');
}

/** Fill the form from the case as the server has it. */
function fill(c) {
  const { f } = editor;
  editor.loaded = c;
  editor.place = null;
  for (const box of editor.marks || []) {
    box.classList.remove('field-mine');
    for (const note of box.querySelectorAll(':scope > .mine-note')) note.remove();
  }
  editor.marks = [];
  f.title.textContent = t('console.edit.title', { ref: c.reference });
  f.priority.value = c.priority;
  const mbs = choices('mbs_priority').find(([value]) => value === c.mbs_priority);
  f.mbs.textContent = `${label('mbs_priority')}: ${mbs ? mbs[1] : c.mbs_priority}`;
  f.reason.value = c.priority_change_reason || '';
  delete f.reason.dataset.typed;
  for (const name of TEXTS) f[name].value = c[name] || '';
  f.municipality.value = c.municipality || '';
  f.latitude.value = String(c.latitude);
  f.longitude.value = String(c.longitude);
  f.case_type.value = c.case_type || 'other';
  f.massTriage.set(c.mass_triage);
  for (const name of LISTS) {
    for (const box of f[name].querySelectorAll('input')) box.checked = (c[name] || []).includes(box.value);
  }
  f.note.hidden = true;
  f.combo.reset();
  syncReason();
}

function showError(message, errors) {
  const { f, form } = editor;
  f.error.hidden = !message;
  f.error.textContent = message || '';
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  for (const name of Object.keys(errors || {})) {
    (form.elements[name] instanceof Element ? form.elements[name] : form.elements[name]?.[0])?.setAttribute('aria-invalid', 'true');
  }
}

/** A field's value as the dispatcher reads it (a choice's words, never its code). */
function shown(name, value) {
  if (Array.isArray(value)) {
    const words = new Map(choices(name));
    return value.length ? value.map((v) => words.get(v) || v).join(', ') : t('console.edit.empty');
  }
  if (value === null || value === undefined || String(value).trim() === '') return t('console.edit.empty');
  if (['priority', 'case_type'].includes(name)) return choices(name).find(([v]) => v === value)?.[1] || value;
  return String(value);
}

/** Where field `name`'s value is shown in the form (its label, or its fieldset). */
function fieldBox(name) {
  const { f } = editor;
  if (name === 'latitude' || name === 'longitude') return f.latitude.closest('label');
  if (name === 'priority_change_reason') return f.reasonField;
  return LISTS.includes(name) ? f[name] : f[name]?.closest('label');
}

/** After a 409: the dispatcher's changes (`mine`, as sent) back in the form filled with the
    current values, each marked "Ditt värde — var X när någon annan ändrade". The next save
    sends them with the current version. */
function keepMine(mine, current) {
  const { f } = editor;
  const marks = [];
  for (const name of TEXTS) if (name in mine) f[name].value = mine[name];
  if ('latitude' in mine) {
    f.latitude.value = String(mine.latitude);
    f.longitude.value = String(mine.longitude);
  }
  if ('municipality' in mine) {
    f.municipality.value = mine.municipality;
    if (mine.municipality_code) editor.place = { code: mine.municipality_code, name: mine.municipality };
  }
  if ('case_type' in mine) f.case_type.value = mine.case_type;
  for (const name of LISTS) {
    if (name in mine) for (const box of f[name].querySelectorAll('input')) box.checked = mine[name].includes(box.value);
  }
  if ('priority' in mine) f.priority.value = mine.priority;
  if ('priority_change_reason' in mine) {
    f.reason.value = mine.priority_change_reason;
    f.reason.dataset.typed = '1';
  }
  syncReason();
  for (const name of Object.keys(mine)) {
    if (name === 'longitude' || name === 'municipality_code') continue;
    const was = name === 'latitude'
      ? `${current.latitude}, ${current.longitude}`
      : shown(name, current[name]);
    const same = name === 'latitude'
      ? mine.latitude === current.latitude && mine.longitude === current.longitude
      : JSON.stringify(mine[name]) === JSON.stringify(current[name]);
    const box = fieldBox(name);
    if (same || !box) continue;
    box.classList.add('field-mine');
    box.append(el('small', { class: 'hint mine-note', 'data-field': name }, t('console.edit.mine', { value: was })));
    marks.push(box);
  }
  editor.marks = marks;
}

/** What the dispatcher changed, as the API takes it (nothing else is sent). */
function changes() {
  const { f, loaded, place } = editor;
  const body = {};
  for (const name of TEXTS) if (f[name].value.trim() !== (loaded[name] || '').trim()) body[name] = f[name].value.trim();
  const lat = parseFloat(f.latitude.value);
  const lon = parseFloat(f.longitude.value);
  if (lat !== loaded.latitude || lon !== loaded.longitude) Object.assign(body, { latitude: lat, longitude: lon });
  if (place && place.code && place.code !== loaded.municipality_code) {
    Object.assign(body, { municipality: place.name, municipality_code: place.code });
  } else if (f.municipality.value.trim() !== (loaded.municipality || '')) {
    body.municipality = f.municipality.value.trim();
  }
  if (f.case_type.value !== loaded.case_type) body.case_type = f.case_type.value;
  if (f.massTriage.value() !== (loaded.mass_triage || '')) body.mass_triage = f.massTriage.value();
  for (const name of LISTS) {
    const now = [...f[name].querySelectorAll('input:checked')].map((b) => b.value).sort();
    if (JSON.stringify(now) !== JSON.stringify([...(loaded[name] || [])].sort())) body[name] = now;
  }
  if (f.priority.value !== loaded.priority) body.priority = f.priority.value;
  if (!f.reasonField.hidden && f.reason.value.trim() !== (loaded.priority_change_reason || '')) {
    body.priority_change_reason = f.reason.value.trim();
  }
  return body;
}

async function save() {
  const { f, form, loaded } = editor;
  if (!form.reportValidity()) return;
  const body = changes();
  if (!Object.keys(body).length) {
    showError(t('console.edit.nothing'));
    return;
  }
  f.save.disabled = true;
  try {
    const updated = await api(`/api/cases/${loaded.id}/`, { method: 'PATCH', body: { ...body, version: loaded.version } });
    upsertCase(updated);
    editor.dialog.close();
    notify(t('console.edit.saved', { ref: updated.reference }), 'ok');
  } catch (err) {
    if (err.status === 409 && err.body?.current) {
      // Someone else's change came first: their values and the version to edit now, with
      // what this dispatcher changed put back on top, marked (nothing typed is lost).
      upsertCase(err.body.current);
      fill(err.body.current);
      keepMine(body, err.body.current);
      showError(t('console.edit.conflict'));
    } else {
      showError(err.detail, err.body?.errors);
    }
  } finally {
    f.save.disabled = false;
  }
}

/** Open the edit of case `id`, filled from the server (a recorded read). */
export async function openEdit(id) {
  editor ??= build();
  editor.caseId = id;
  let fresh;
  try {
    fresh = await api(`/api/cases/${id}/`);
  } catch (err) {
    notify(err.detail, 'error');
    return;
  }
  upsertCase(fresh);
  fill(fresh);
  showError('');
  if (!editor.dialog.open) editor.dialog.showModal();
  editor.f.priority.focus();
}

/** A case changed (the `dispatch` stream): the open edit of it says someone else changed it. */
export function caseEditEvent(data) {
  if (!editor?.dialog.open || editor.caseId !== data.id) return;
  if ((data.version || 0) > (editor.loaded?.version || 0)) {
    editor.f.note.hidden = false;
    editor.f.note.textContent = t('console.edit.changed_elsewhere');
  }
}

/** The case card's "Ändra" and "Historik" buttons. */
export function caseEditButtons(c) {
  const edit = el('button', { type: 'button', class: 'btn btn-ghost btn-small edit-btn' }, t('console.edit.edit'));
  edit.addEventListener('click', () => openEdit(c.id));
  const history = el('button', { type: 'button', class: 'btn btn-ghost btn-small history-btn' }, t('console.edit.history'));
  history.addEventListener('click', () => openHistory(c.id));
  return [edit, history];
}

