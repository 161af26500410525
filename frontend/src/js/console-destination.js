/* The dispatcher's choice of where a unit takes the patient (*destination*), on the case card:
   "Destination…" opens the hospitals nearest the case first (GET /api/hospitals/, emergency
   departments first, an estimated time said so), and the choice is posted as the crew's is
   (POST /api/assignments/{id}/destination/); the row then names it. */

import { ACTIVE, api, el, notify, t, uuid } from './common.js';
import { fetchCase, scheduleRender } from './console-state.js';

let open = null; // the assignment whose picker is open
// A hospital chosen in the open picker but not set yet: a redraw of the card (an event on the
// case) draws the picker again with it, instead of the current one.
let picked = null; // { assignment, hospital }
const lists = new Map(); // case id -> hospitals nearest first, or 'loading'

/** What the case cards depend on here (a card is drawn again when it changes). */
export const destinationSig = () => [open, [...lists].map(([id, l]) => [id, Array.isArray(l) ? l.length : l])];

async function load(c) {
  lists.set(c.id, 'loading');
  try {
    const hospitals = await api(`/api/hospitals/?latitude=${Number(c.latitude)}&longitude=${Number(c.longitude)}`);
    lists.set(c.id, hospitals.filter((h) => h.emergency).concat(hospitals.filter((h) => !h.emergency)));
  } catch (err) {
    lists.delete(c.id);
    open = null;
    notify(err.detail, 'error');
  }
  scheduleRender();
}

async function destinationSet(c, a, hospital) {
  try {
    await api(`/api/assignments/${a.id}/destination/`, {
      method: 'POST', body: { hospital, idempotency_key: uuid() },
    });
    open = null;
    picked = null;
    fetchCase(c.id);
  } catch (err) {
    notify(err.detail, 'error');
  }
}

function label(h) {
  const parts = [h.emergency ? h.name : `${h.name} ${t('console.destination_no_ed')}`];
  if (h.capability_labels?.length) parts.push(h.capability_labels.join(', ')); // in words
  if (h.travel_seconds != null) {
    const estimated = h.travel_source === 'estimate' ? ` ${t('console.destination_estimated')}` : '';
    parts.push(`${t('console.destination_minutes', { n: Math.max(1, Math.round(h.travel_seconds / 60)) })}${estimated}`);
  }
  return parts.join(' · ');
}

/** The row's "Destination…" button (an active assignment only), or null. */
export function destinationButton(c, a) {
  // At hospital with a hospital named, the destination is recorded: it no longer changes.
  if (!ACTIVE.has(a.status) || (a.status === 'at_hospital' && a.destination_hospital != null)) return null;
  const button = el('button', {
    type: 'button', class: 'btn btn-ghost btn-small destination-btn', 'aria-expanded': String(open === a.id),
  }, t('console.destination'));
  button.addEventListener('click', () => {
    open = open === a.id ? null : a.id;
    picked = null;
    if (open && !lists.has(c.id)) load(c);
    scheduleRender();
  });
  return button;
}

/** The picker's options: a placeholder, the current hospital kept even when it is no longer
    offered (so nothing else is silently preselected), then the offered ones; the one chosen
    and not yet set stays chosen. */
function options(list, a) {
  const current = a.destination_hospital ?? null;
  const chosen = picked?.assignment === a.id && list.some((h) => h.id === picked.hospital)
    ? picked.hospital : current;
  const out = [el('option', { value: '', disabled: true, selected: chosen == null }, t('console.destination_pick'))];
  if (current != null && !list.some((h) => h.id === current)) {
    out.push(el('option', { value: current, selected: chosen === current, disabled: true },
      `${a.destination_name} ${t('console.destination_inactive')}`));
  }
  return out.concat(list.map((h) => el('option', { value: h.id, selected: h.id === chosen }, label(h))));
}

/** The open picker under the row, or null. "Set destination" only for another hospital. */
export function destinationPicker(c, a) {
  if (open !== a.id || !ACTIVE.has(a.status)) return null;
  const list = lists.get(c.id);
  if (!Array.isArray(list)) return el('span', { class: 'asg-destination' }, t('console.destination_loading'));
  const select = el('select', { 'aria-label': t('console.destination_choose') }, options(list, a));
  const go = el('button', { type: 'button', class: 'btn btn-primary btn-small' }, t('console.destination_set'));
  const update = () => {
    go.disabled = select.value === '' || Number(select.value) === (a.destination_hospital ?? null);
  };
  update();
  select.addEventListener('change', () => {
    picked = { assignment: a.id, hospital: Number(select.value) };
    update();
  });
  go.addEventListener('click', () => {
    if (!go.disabled) destinationSet(c, a, Number(select.value));
  });
  return el('span', { class: 'asg-destination' }, select, go);
}
