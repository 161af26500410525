/* The destination on the crew's assignment card (*destination*): once the unit is on scene,
   the hospitals nearest the scene first with the ambulance's travel time (GET /api/hospitals/;
   "(estimated)" where the time is the built-in estimate, not the router's), the emergency
   departments (*akutmottagning*) listed first. A pick goes through the outbox like a status
   tap (kind 'destination', with its idempotency key), marked `independent`: its refusal holds
   no status change back. Choosing is never needed to move the assignment on. The map and
   "Navigera" go to the destination once the patient is loaded (crew-map.js). */

import { ACTIVE, api, el, t, uuid } from './common.js';

const SHOWN_IN = new Set(['on_scene', 'transporting', 'at_hospital']);
const RETRY_MS = 30000;
const $ = (id) => document.getElementById(id);

// assignment id -> {hospitals: [...] | null, failedAt, loading}
const lists = new Map();
let drawn = ''; // what the select shows, to leave it alone while nothing changed
let shown = null; // {a, onPick}

const chosenId = (a) => (a.destination && typeof a.destination === 'object' ? a.destination.id : null);

/** The outbox change that sets hospital h ({id, name, short_name, latitude, longitude}) as
    assignment a's destination, chosen at `chosenAt` (ISO, the server's clock): a pick that
    waited offline is refused if someone else chose after it. */
export function destinationChange(a, h, chosenAt) {
  const key = uuid();
  return {
    key, kind: 'destination', independent: true, assignment: a.id,
    hospital: { id: h.id, name: h.name, short_name: h.short_name, latitude: h.latitude, longitude: h.longitude },
    url: `/api/assignments/${a.id}/destination/`,
    body: { hospital: h.id, idempotency_key: key, chosen_at: chosenAt },
  };
}

/** Whether an `assignment.destination` event d names a hospital other than the one assignment
    `known` shows, with no pick of this tablet waiting in `outboxList`: the centre or the other
    tablet changed it. */
export function destinationChangedElsewhere(known, d, outboxList) {
  if (!known || !d.destination_hospital) return false;
  const waiting = outboxList.some((c) => c.state === 'waiting' && c.kind === 'destination' && c.assignment === d.id);
  return chosenId(known) !== d.destination_hospital && !waiting;
}

/** What the crew is told when someone else chose assignment a's destination, or null. */
export function destinationNotice(a) {
  if (!a || !ACTIVE.has(a.status)) return null;
  if (chosenId(a) == null) return null;
  const { name } = a.destination;
  return a.destination_set_by_dispatcher || !a.destination_set_by_name
    ? t('crew.destination.changed_centre', { name })
    : t('crew.destination.changed_by', { name, by: a.destination_set_by_name });
}

async function load(a) {
  const entry = { hospitals: null, failedAt: 0, loading: true };
  lists.set(a.id, entry);
  const c = a.case;
  try {
    entry.hospitals = await api(`/api/hospitals/?latitude=${Number(c.latitude)}&longitude=${Number(c.longitude)}`);
  } catch {
    entry.failedAt = Date.now(); // offline: said on the card, asked again later
  }
  entry.loading = false;
  if (shown?.a.id === a.id) renderDestination(shown.a, { onPick: shown.onPick });
}

/** "Akademiska sjukhuset · PCI, stroke, trauma · 12 min": what it can receive, in words. */
function optionLabel(h) {
  const name = [h.name, (h.capability_labels || []).join(', ')].filter(Boolean).join(' · ');
  if (h.travel_seconds == null) return name;
  const minutes = t('crew.destination.minutes', { n: Math.max(1, Math.round(h.travel_seconds / 60)) });
  const estimated = h.travel_source === 'estimate' ? ` ${t('crew.destination.estimated')}` : '';
  return `${name} · ${minutes}${estimated}`;
}

function options(hospitals, chosen) {
  const option = (h) => el('option', { value: h.id, selected: h.id === chosen?.id }, optionLabel(h));
  const emergency = hospitals.filter((h) => h.emergency);
  const other = hospitals.filter((h) => !h.emergency);
  const out = [el('option', { value: '', disabled: Boolean(chosen), selected: !chosen }, t('crew.destination.choose'))];
  if (chosen && !hospitals.some((h) => h.id === chosen.id)) {
    out.push(el('option', { value: chosen.id, selected: true }, chosen.name));
  }
  if (emergency.length) out.push(el('optgroup', { label: t('crew.destination.emergency') }, emergency.map(option)));
  if (other.length) out.push(el('optgroup', { label: t('crew.destination.other') }, other.map(option)));
  return out;
}

/** The destination control for assignment a; onPick(hospital) when the crew chooses one. */
export function renderDestination(a, { onPick }) {
  shown = { a, onPick };
  const box = $('a-dest');
  box.hidden = !SHOWN_IN.has(a.status);
  if (box.hidden) return;
  let entry = lists.get(a.id);
  if (!entry || (!entry.hospitals && !entry.loading && Date.now() - entry.failedAt > RETRY_MS)) {
    load(a);
    entry = lists.get(a.id);
  }
  const chosen = chosenId(a) != null ? a.destination : null;
  const note = $('a-dest-note');
  const hospitals = entry.hospitals || [];
  note.hidden = Boolean(entry.hospitals);
  note.textContent = entry.hospitals ? '' : t(entry.loading ? 'crew.destination.loading' : 'crew.destination.unavailable');
  const select = $('a-dest-select');
  // At hospital the destination is where the patient was taken: it no longer changes.
  select.disabled = (!hospitals.length && !chosen) || (a.status === 'at_hospital' && Boolean(chosen));
  const key = JSON.stringify([a.id, chosen?.id ?? null, hospitals.map((h) => [h.id, h.travel_seconds])]);
  if (key !== drawn) {
    drawn = key;
    select.replaceChildren(...options(hospitals, chosen));
  }
}

function setup() {
  $('a-dest-select').addEventListener('change', (event) => {
    const id = Number(event.target.value);
    const hospital = (lists.get(shown?.a.id)?.hospitals || []).find((h) => h.id === id);
    if (hospital && shown && id !== chosenId(shown.a)) shown.onPick(hospital);
  });
}

setup();
