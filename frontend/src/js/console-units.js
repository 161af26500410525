/* The units on the console and dispatching them: the unit table (filtered by region, or the
   available ones only), the dispatcher's selection of available units (a tick, or a click on
   the map) and sending them to a case. */

import { ACTIVE, api, el, kindLabel, notify, placeInOrder, statusLabel, t, twoStep } from './common.js';
import { unitHeld } from './console-incident-held.js';
import { dispatchUnits } from './console-recommend.js';
import { scheduleRender, state, upsertUnit } from './console-state.js';

export function toggleUnit(id) {
  const unit = state.units.get(id);
  if (!unit) return;
  if (state.selectedUnits.has(id)) state.selectedUnits.delete(id);
  else if (unit.status === 'available') state.selectedUnits.add(id);
  scheduleRender();
}

/** Send the selected units to a case. */
export async function dispatchTo(caseId) {
  const units = [...state.selectedUnits];
  if (!units.length) {
    notify(t('console.dispatch_none'), 'warn');
    return;
  }
  // A unit that does not fit (not manned, out of service...) asks for the reason there.
  if (await dispatchUnits(caseId, units)) state.selectedUnits.clear();
  scheduleRender();
}

const unitRows = new Map();

/** Take a unit out of service (with the reason, shown on the console) or put it back. */
async function setService(unit, inService, note = '') {
  try {
    const updated = await api(`/api/units/${unit.id}/service/`, {
      method: 'POST', body: { in_service: inService, note },
    });
    upsertUnit(updated);
  } catch (err) {
    notify(err.detail, 'error');
  }
}

function serviceButton(u) {
  if (u.in_service === false) {
    const back = el('button', { type: 'button', class: 'btn btn-ghost btn-small unit-service' }, t('console.recommend.put_in'));
    twoStep(back, t('console.recommend.put_in_confirm'), () => setService(u, true), { key: `put-in:${u.id}` });
    return back;
  }
  const out = el('button', { type: 'button', class: 'btn btn-ghost btn-small unit-service' }, t('console.recommend.take_out'));
  out.addEventListener('click', () => {
    // A short reason the other dispatchers see (e.g. "sanering"); asked in the page's language.
    const note = window.prompt(t('console.recommend.take_out_why', { unit: u.call_sign }), '');
    if (note && note.trim()) setService(u, false, note.trim());
  });
  return out;
}

function activeAssignmentsByUnit() {
  const byUnit = new Map();
  for (const c of state.cases.values()) {
    for (const a of c.assignments) if (ACTIVE.has(a.status)) byUnit.set(a.unit, { c, a });
  }
  return byUnit;
}

export function renderUnits() {
  const body = document.querySelector('#units tbody');
  const region = document.getElementById('unit-region').value;
  const availableOnly = document.getElementById('unit-available-only').checked;
  const byUnit = activeAssignmentsByUnit();
  const units = [...state.units.values()].sort((a, b) => a.call_sign.localeCompare(b.call_sign));
  const seen = new Set();
  const order = [];
  for (const u of units) {
    const visible = (!region || String(u.region) === region)
      && (!availableOnly || u.status === 'available' || state.selectedUnits.has(u.id));
    if (!visible) continue;
    const on = byUnit.get(u.id);
    const selected = state.selectedUnits.has(u.id);
    const held = unitHeld(u.id);
    const sig = JSON.stringify([u, selected, on ? [on.c.reference, on.a.status] : null, held]);
    let entry = unitRows.get(u.id);
    if (!entry || entry.sig !== sig) {
      const box = el('input', {
        type: 'checkbox', checked: selected, disabled: u.status !== 'available' && !selected,
        'aria-label': u.call_sign, dataset: { unit: u.id },
      });
      box.addEventListener('change', () => toggleUnit(u.id));
      const node = el('tr', {
        class: [selected ? 'is-selected' : '', held ? 'is-held' : ''].filter(Boolean).join(' '),
        dataset: { unit: u.id, callSign: u.call_sign, status: u.status },
      },
        el('td', {}, box),
        el('td', {}, el('span', { class: 'unit-call' }, u.call_sign), el('span', { class: 'unit-kind' }, kindLabel(u.kind))),
        el('td', {}, u.home_station_name || ''),
        el('td', {}, el('span', { class: `badge st-${u.status}` }, statusLabel(u.status)),
          u.manned ? null : el('span', { class: 'unit-flag is-unmanned' }, t('console.recommend.unmanned')),
          u.in_service === false ? el('span', { class: 'unit-flag is-out', title: u.service_note || null },
            t('console.recommend.out_of_service')) : null,
          held ? el('span', { class: 'unit-flag unit-held', dataset: { incident: held.incident } },
            t('console.incident.held_mark', { title: held.exercise ? `${t('console.incident.exercise_prefix')} – ${held.title}` : held.title })) : null,
          serviceButton(u)),
        el('td', {}, on ? t('console.on_case', { ref: on.c.reference }) : ''));
      if (entry) entry.node.replaceWith(node);
      entry = { sig, node };
      unitRows.set(u.id, entry);
    }
    order.push(entry.node);
    seen.add(u.id);
  }
  placeInOrder(body, order);
  for (const [id, entry] of unitRows) {
    if (!seen.has(id)) {
      entry.node.remove();
      unitRows.delete(id);
    }
  }
}

/** The line under the table naming the units selected. */
export function renderSelection() {
  const names = [...state.selectedUnits].map((id) => state.units.get(id)?.call_sign).filter(Boolean);
  document.getElementById('unit-selection').textContent = names.length
    ? t('console.selected_units', { units: names.join(', ') }) : '';
}

document.getElementById('unit-region').addEventListener('change', scheduleRender);
document.getElementById('unit-available-only').addEventListener('change', scheduleRender);
