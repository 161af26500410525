/* The new case's place: the address search box (an ARIA combobox: suggestions as the
   dispatcher types, arrow keys, Enter picks, Escape closes), the nearest address a click on the
   map proposes, and the region rule (the region follows the municipality; one chosen by hand
   says so). A pick fills the address, the position (the map zooms to it), the municipality
   and the region; the server applies the same rule (dispatch.services.case_register). */

import { api, el, t } from './common.js';
import { markPick, zoomTo } from './console-map.js';

const DEBOUNCE_MS = 150;
const MIN_CHARS = 3; // places.search.QUERY_MIN_CHARS: fewer find nothing
const field = (id) => document.getElementById(id);
const input = field('case-address');
const list = field('address-list');
const status = field('address-status');
const regionSelect = field('case-region');
const municipalityInput = field('case-municipality');
const codeInput = field('case-municipality-code');
const note = field('case-region-note');
const proposal = field('nearest-proposal');

let hits = [];
let active = -1;
let timer = null;
let controller = null;
let asked = 0; // the number of the latest search: an older answer is dropped
let nearestController = null;
const municipalities = new Map(); // folded name -> {code, name, region, region_name}
let place = null; // the municipality the region follows: {code, name, region, region_name}

const fold = (s) => String(s || '').trim().toLowerCase();
const letters = (s) => (s.match(/[\p{L}\p{N}]/gu) || []).length;

function regionOption(code) {
  return [...regionSelect.options].find((o) => o.dataset.code === code) || null;
}

/* ---------- the region follows the municipality ---------- */

function showRegionNote() {
  const chosen = regionSelect.selectedOptions[0];
  if (!place) {
    const typed = municipalityInput.value.trim();
    note.dataset.state = typed ? 'unknown' : 'none';
    note.textContent = typed ? t('console.map.municipality_unknown') : '';
    return;
  }
  const follows = chosen?.dataset.code === place.region;
  note.dataset.state = follows ? 'follows' : 'by-hand';
  note.textContent = follows
    ? t('console.map.region_follows', { municipality: place.name })
    : t('console.map.region_by_hand', { municipality: place.name, region: place.region_name || place.region });
}

/** The municipality of the place (null: none known); the region follows it. */
function setMunicipality(m, { name = '' } = {}) {
  place = m && m.region ? m : null;
  codeInput.value = m?.code || '';
  municipalityInput.value = m?.name || name;
  const option = place && regionOption(place.region);
  if (option) regionSelect.value = option.value;
  showRegionNote();
}

/** Whether the place's municipality is known (then a position alone does not move the region). */
export const municipalityKnown = () => place != null;

municipalityInput.addEventListener('input', () => {
  const m = municipalities.get(fold(municipalityInput.value)) || null;
  place = m;
  codeInput.value = m?.code || '';
  if (m) {
    const option = regionOption(m.region);
    if (option) regionSelect.value = option.value;
  }
  showRegionNote();
});
regionSelect.addEventListener('change', showRegionNote);

/** The municipality → region table (places), for a municipality typed by hand. */
export async function loadPlaceMunicipalities() {
  try {
    for (const m of await api('/api/municipalities/')) municipalities.set(fold(m.name), m);
  } catch { /* the server applies the rule all the same */ }
}

/* ---------- a pick ---------- */

function fillFrom(hit, { position }) {
  input.value = hit.label;
  if (position) {
    field('case-lat').value = hit.latitude.toFixed(6);
    field('case-lon').value = hit.longitude.toFixed(6);
    markPick(hit.latitude, hit.longitude);
    zoomTo(hit.latitude, hit.longitude);
  }
  setMunicipality(hit.municipality_code ? {
    code: hit.municipality_code, name: hit.municipality, region: hit.region, region_name: hit.region_name,
  } : null, { name: hit.municipality || '' });
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

function pick(index) {
  const hit = hits[index];
  if (!hit) return;
  close();
  fillFrom(hit, { position: true });
  status.textContent = t('console.map.picked', { label: hit.label });
  proposal.hidden = true;
}

/* ---------- the suggestions ---------- */

function close() {
  list.hidden = true;
  input.setAttribute('aria-expanded', 'false');
  input.removeAttribute('aria-activedescendant');
  active = -1;
}

function setActive(index) {
  const options = list.querySelectorAll('[role="option"]');
  if (!options.length) return;
  active = (index + options.length) % options.length;
  options.forEach((o, i) => o.setAttribute('aria-selected', String(i === active)));
  input.setAttribute('aria-activedescendant', options[active].id);
  options[active].scrollIntoView({ block: 'nearest' });
}

function suggestion(hit, i) {
  const where = [hit.postcode, hit.municipality, hit.region_name].filter(Boolean).join(' · ');
  const option = el('li', { id: `address-option-${i}`, role: 'option', 'aria-selected': 'false', class: 'combo-option', dataset: { source: hit.source } },
    el('span', { class: 'combo-label' }, hit.label),
    where ? el('span', { class: 'combo-where' }, where) : null,
    hit.source === 'geocoder' ? el('span', { class: 'combo-source' }, t('console.map.geocoder')) : null);
  option.addEventListener('mousedown', (e) => e.preventDefault()); // the input keeps the focus
  option.addEventListener('click', () => pick(i));
  return option;
}

function show(found) {
  hits = found;
  if (!hits.length) {
    close();
    list.replaceChildren();
    status.textContent = t('console.map.no_address');
    return;
  }
  list.replaceChildren(...hits.map(suggestion));
  list.hidden = false;
  input.setAttribute('aria-expanded', 'true');
  active = -1;
  status.textContent = hits.length === 1 ? t('console.map.suggestion_one')
    : t('console.map.suggestions', { n: hits.length });
}

async function search(q) {
  controller?.abort();
  controller = new AbortController();
  const mine = ++asked;
  let found;
  try {
    found = await api(`/api/addresses/?q=${encodeURIComponent(q)}`, { signal: controller.signal });
  } catch (err) {
    if (err.name === 'AbortError' || mine !== asked) return;
    close();
    status.textContent = err.detail;
    return;
  }
  if (mine !== asked || input.value.trim() !== q) return;
  show(found);
}

input.addEventListener('input', () => {
  clearTimeout(timer);
  const q = input.value.trim();
  if (letters(q) < MIN_CHARS) {
    controller?.abort();
    asked += 1;
    close();
    status.textContent = '';
    return;
  }
  timer = setTimeout(() => search(q), DEBOUNCE_MS);
});

input.addEventListener('keydown', (e) => {
  const open = !list.hidden;
  switch (e.key) {
    case 'ArrowDown':
    case 'ArrowUp':
      if (!hits.length) return;
      e.preventDefault();
      if (!open) {
        list.hidden = false;
        input.setAttribute('aria-expanded', 'true');
      }
      setActive(active < 0 && e.key === 'ArrowUp' ? -1 : active + (e.key === 'ArrowDown' ? 1 : -1));
      break;
    case 'Enter':
      if (open && active >= 0) {
        e.preventDefault();
        pick(active);
      }
      break;
    case 'Escape':
      if (open) {
        e.preventDefault();
        close();
      }
      break;
    default:
  }
});
input.addEventListener('blur', close);

/* ---------- a click on the map proposes the nearest address ---------- */

/** The map was clicked at lat, lon (the position is already set): the nearest known address,
    to take ("Use": address, municipality, region) or to leave (the position only). */
export async function proposeNearest(lat, lon) {
  nearestController?.abort();
  nearestController = new AbortController();
  let hit;
  try {
    hit = await api(`/api/addresses/nearest/?latitude=${lat.toFixed(6)}&longitude=${lon.toFixed(6)}`,
      { signal: nearestController.signal });
  } catch (err) {
    if (err.name === 'AbortError') return;
    proposal.hidden = false;
    proposal.dataset.state = 'none';
    proposal.replaceChildren(err.status === 404 ? t('console.map.nearest_none') : err.detail);
    return;
  }
  const use = el('button', { type: 'button', class: 'btn btn-small btn-primary', id: 'nearest-use' }, t('console.map.nearest_use'));
  const keep = el('button', { type: 'button', class: 'btn btn-small btn-ghost', id: 'nearest-keep' }, t('console.map.nearest_keep'));
  use.addEventListener('click', () => {
    fillFrom(hit, { position: false });
    status.textContent = t('console.map.picked', { label: hit.label });
    proposal.hidden = true;
    input.focus();
  });
  keep.addEventListener('click', () => { proposal.hidden = true; });
  proposal.dataset.state = 'proposed';
  proposal.replaceChildren(
    el('span', { class: 'nearest-label' }, t('console.map.nearest', { label: hit.label })),
    hit.source === 'geocoder' ? el('span', { class: 'combo-source' }, t('console.map.geocoder')) : null,
    ' ', use, ' ', keep);
  proposal.hidden = false;
}

/** After a case is registered: an empty place. */
export function addressReset() {
  clearTimeout(timer);
  controller?.abort();
  nearestController?.abort();
  asked += 1;
  hits = [];
  close();
  list.replaceChildren();
  status.textContent = '';
  proposal.hidden = true;
  setMunicipality(null);
}
