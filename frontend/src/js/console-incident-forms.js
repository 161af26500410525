/* The major incident's forms on the console, each in a dialog of its own so that the panel's
   redraw on every event never takes what is being typed: the METHANE report's fields (shared
   with the raise form, console-incident-raise.js) and a new version of it, and what a region
   said by phone: its acknowledgement of the alarm (with the blood centre's) and a pledge (for
   one of this centre's own regions, its units by name: they are held for the incident).

   Each answer is sent with api() and an idempotency key made when the form opens and kept
   until the server took it: a send retried after a lost answer is applied once. */

import { api, el, kindLabel, notify, statusLabel, t, uuid } from './common.js';
import { unitHeld } from './console-incident-held.js';
import { state } from './console-state.js';
import { table } from './tables.js';

const TEXTS = ['exact_location', 'incident_type', 'hazards', 'access'];
const COUNTS = ['casualties_total', 'casualties_red', 'casualties_yellow', 'casualties_green', 'casualties_dead'];
const SERVICES = ['services_present', 'services_required'];
const m = (key, params) => t(`console.incident.methane.${key}`, params);

/** A labelled input with id `${prefix}-${name}`. */
function labelled(text, input, cls = 'field') {
  return el('label', { class: cls, for: input.id }, el('span', {}, text), input);
}

/** The METHANE fields (M E T H A N E in words) with values from `report` (or empty). */
export function methaneFields(prefix, report = null) {
  const r = report || {};
  const inputs = {};
  inputs.major_incident_declared = el('input', {
    type: 'checkbox', id: `${prefix}-major_incident_declared`, name: 'major_incident_declared',
    checked: Boolean(r.major_incident_declared),
  });
  for (const name of [...TEXTS, ...SERVICES]) {
    inputs[name] = el('input', { id: `${prefix}-${name}`, name, maxlength: name === 'exact_location' || name === 'incident_type' ? '300' : '500', autocomplete: 'off' });
    inputs[name].value = r[name] || '';
  }
  for (const name of COUNTS) {
    inputs[name] = el('input', { id: `${prefix}-${name}`, name, type: 'number', min: '0', step: '1', inputmode: 'numeric' });
    inputs[name].value = r[name] ?? '';
  }
  const node = el('fieldset', { class: 'incident-methane', id: `${prefix}-methane` },
    el('legend', {}, m('title')),
    el('label', { class: 'check', for: inputs.major_incident_declared.id }, inputs.major_incident_declared, ` ${m('major_incident_declared')}`),
    TEXTS.map((name) => labelled(m(name), inputs[name])),
    el('fieldset', { class: 'incident-casualties' }, el('legend', {}, m('casualties')),
      el('div', { class: 'row' }, COUNTS.map((name) => labelled(m(name), inputs[name], 'field grow')))),
    SERVICES.map((name) => labelled(m(name), inputs[name])));
  /** The report as the API takes it: only what was filled in. */
  const value = () => {
    const out = { major_incident_declared: inputs.major_incident_declared.checked };
    for (const name of [...TEXTS, ...SERVICES]) if (inputs[name].value.trim()) out[name] = inputs[name].value.trim();
    for (const name of COUNTS) if (inputs[name].value !== '') out[name] = Number(inputs[name].value);
    return out;
  };
  const filled = () => Object.keys(value()).length > 1 || inputs.major_incident_declared.checked;
  return { node, value, filled };
}

/** A modal dialog with a title, a form, an error line and its buttons; submit(form) sends. */
export function formDialog({ id, title, body, save, submit }) {
  const error = el('p', { class: 'form-error', id: `${id}-error`, role: 'alert', hidden: true });
  const saveButton = el('button', { type: 'submit', class: 'btn btn-primary', id: `${id}-save` }, save);
  const cancel = el('button', { type: 'button', class: 'btn btn-ghost' }, t('console.incident.cancel'));
  const form = el('form', { class: 'incident-form', novalidate: true }, body, error,
    el('div', { class: 'incident-form-actions' }, saveButton, cancel));
  const dialog = el('dialog', { id, class: 'incident-dialog', 'aria-labelledby': `${id}-title` },
    el('h2', { id: `${id}-title` }, title), form);
  const showError = (message) => {
    error.hidden = !message;
    error.textContent = message || '';
  };
  cancel.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => dialog.remove());
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!form.reportValidity()) return;
    saveButton.disabled = true;
    try {
      await submit();
      dialog.close();
    } catch (err) {
      showError(err.detail || String(err));
    } finally {
      saveButton.disabled = false;
    }
  });
  document.body.append(dialog);
  dialog.showModal();
  return { dialog, form, showError };
}

/** A region's acknowledgement of the alarm, heard by phone. */
export function openPhoneAck(incident, region, onDone) {
  const by = el('input', { id: 'incident-ack-by', name: 'by', required: true, maxlength: '120', autocomplete: 'off' });
  const blood = el('input', { type: 'checkbox', id: 'incident-ack-blood', name: 'blood_centre' });
  formDialog({
    id: 'incident-ack', title: t('console.incident.ack_title', { region: region.name }),
    body: [labelled(t('console.incident.ack_by'), by),
      el('label', { class: 'check', for: blood.id }, blood, ` ${t('console.incident.ack_blood')}`)],
    save: t('console.incident.ack_save'),
    submit: async () => {
      const answer = await api(`/api/incidents/${incident.id}/regions/${region.id}/acknowledge/`, {
        method: 'POST', body: { by: by.value.trim(), blood_centre: blood.checked },
      });
      notify(t('console.incident.ack_saved', { region: region.name }), 'ok');
      onDone(answer);
    },
  });
  by.focus();
}

/** Today's date with the time typed (HH:MM), as ISO; '' when none was typed. */
function todayAt(hhmm) {
  if (!hhmm) return '';
  const [h, min] = hhmm.split(':').map(Number);
  const d = new Date();
  d.setHours(h, min, 0, 0);
  return d.toISOString();
}

let linked = null; // alarm region id -> this centre's region id (GET /api/incidents/regions/)

/** This centre's region an own alarm region stands for: the configured link, or (when the
    list cannot be had) the region with the same code. */
async function ownRegionOf(region) {
  if (!linked) {
    try {
      const list = await api('/api/incidents/regions/');
      linked = new Map(list.filter((r) => r.region != null).map((r) => [r.id, r.region]));
    } catch {
      linked = null;
    }
  }
  if (linked?.has(region.id)) return linked.get(region.id);
  return [...state.regions.values()].find((r) => r.code === region.code)?.id ?? null;
}

/** The region's units as ticks (call sign, kind, status in words); a unit held already says
    for what and cannot be ticked. chosen(): the ids ticked; onChange(n) on each tick. */
function unitChoice(regionId, onChange) {
  const units = [...state.units.values()].filter((u) => u.region === regionId)
    .sort((a, b) => a.call_sign.localeCompare(b.call_sign));
  const boxes = [];
  const items = units.map((u) => {
    const held = unitHeld(u.id);
    const box = el('input', {
      type: 'checkbox', id: `incident-pledge-unit-${u.id}`, name: 'units', value: String(u.id),
      disabled: Boolean(held), dataset: { callSign: u.call_sign },
    });
    box.addEventListener('change', () => onChange(boxes.filter((b) => b.checked).length));
    boxes.push(box);
    return el('li', {}, el('label', { class: 'check', for: box.id }, box,
      ` ${u.call_sign} · ${kindLabel(u.kind)} · ${statusLabel(u.status)}`,
      held ? el('span', { class: 'unit-held' }, ` · ${t('console.incident.held_mark', { title: held.title })}`) : null));
  });
  const node = el('fieldset', { class: 'incident-pledge-units', id: 'incident-pledge-units' },
    el('legend', {}, t('console.incident.pledge_units_label')),
    units.length ? el('ul', { class: 'incident-pledge-unit-list' }, items)
      : el('p', { class: 'hint' }, t('console.incident.pledge_units_none')),
    units.length ? el('p', { class: 'hint' }, t('console.incident.pledge_units_hint')) : null);
  return { node, chosen: () => boxes.filter((b) => b.checked).map((b) => Number(b.value)) };
}

/** A region's pledge, heard by phone (via "phone"); an own region's units may be named: the
    number is then at least theirs. */
export async function openPhonePledge(incident, region, onDone) {
  const kinds = table('incident')?.pledge_kinds || [];
  const key = uuid();
  const kind = el('select', { id: 'incident-pledge-kind', name: 'kind', required: true },
    kinds.map((code) => el('option', { value: code }, t(`console.incident.pledge_kind_label.${code}`))));
  const count = el('input', { id: 'incident-pledge-count', name: 'count', type: 'number', min: '1', max: '99', step: '1', required: true, inputmode: 'numeric' });
  const available = el('input', { id: 'incident-pledge-available', name: 'available_at', type: 'time' });
  const reportTo = el('input', { id: 'incident-pledge-report-to', name: 'report_to', maxlength: '200', autocomplete: 'off' });
  const note = el('input', { id: 'incident-pledge-note', name: 'note', maxlength: '300', autocomplete: 'off' });
  const by = el('input', { id: 'incident-pledge-by', name: 'by_name', maxlength: '120', autocomplete: 'off' });
  const ownId = region.own ? await ownRegionOf(region) : null;
  // The number follows the units ticked: never below them, more may be typed.
  const units = ownId != null ? unitChoice(ownId, (n) => {
    count.min = String(Math.max(1, n));
    if (n && (count.value === '' || Number(count.value) < n)) count.value = String(n);
  }) : null;
  formDialog({
    id: 'incident-pledge', title: t('console.incident.pledge_title', { region: region.name }),
    body: [units?.node, el('div', { class: 'row' }, labelled(t('console.incident.pledge_kind'), kind, 'field grow'),
      labelled(t('console.incident.pledge_count_label'), count, 'field grow')),
    el('div', { class: 'row' }, labelled(t('console.incident.pledge_available_label'), available, 'field grow'),
      labelled(t('console.incident.pledge_report_to_label'), reportTo, 'field grow')),
    labelled(t('console.incident.pledge_note'), note), labelled(t('console.incident.pledge_by'), by)],
    save: t('console.incident.pledge_save'),
    submit: async () => {
      const body = {
        alarm_region: region.id, kind: kind.value, count: Number(count.value), via: 'phone',
        report_to: reportTo.value.trim(), note: note.value.trim(), by_name: by.value.trim(),
        idempotency_key: key,
      };
      const chosen = units ? units.chosen() : [];
      if (chosen.length) body.units = chosen;
      if (available.value) body.available_at = todayAt(available.value);
      const answer = await api(`/api/incidents/${incident.id}/pledges/`, { method: 'POST', body });
      notify(t('console.incident.pledge_saved', { region: region.name }), 'ok');
      onDone(answer);
    },
  });
  (units?.node.querySelector('input:not([disabled])') || count).focus();
}

/** A new version of the METHANE report, starting from the latest. */
export function openReport(incident, onDone) {
  const fields = methaneFields('incident-report', incident.report);
  formDialog({
    id: 'incident-report-form', title: m('new'), body: [fields.node], save: m('save'),
    submit: async () => {
      const answer = await api(`/api/incidents/${incident.id}/reports/`, { method: 'POST', body: fields.value() });
      notify(m('saved', { n: answer?.version ?? '' }), 'ok');
      onDone(answer);
    },
  });
}
