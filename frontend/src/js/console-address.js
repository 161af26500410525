/* The new case's place: the address search box (an ARIA combobox: suggestions as the
   dispatcher types, arrow keys, Enter picks, Escape closes), the nearest address a click on the
   map proposes, and the region rule (the region follows the municipality; one chosen by hand
   says so). A pick fills the address, the position (the map zooms to it), the municipality
   and the region; the server applies the same rule (dispatch.services.case_register).
   Editing the address after a pick drops what the pick gave (position, municipality, the
   region that followed it), so a case never gets new text at the old place. A municipality
   typed by hand is looked up by the server (its one folded match), never matched here. */

import { api, el, t } from './common.js';
import { mapCentre, markPick, zoomTo } from './console-map.js';
import { table } from './tables.js';

const DEBOUNCE_MS = 150;
// places.search.QUERY_MIN_CHARS (frontend.tables "places"): fewer find nothing.
const minChars = () => table('places')?.query_min_chars ?? 1;
const field = (id) => document.getElementById(id);
const input = field('case-address');
const list = field('address-list');
const status = field('address-status');
const regionSelect = field('case-region');
const municipalityInput = field('case-municipality');
const codeInput = field('case-municipality-code');
const note = field('case-region-note');
const proposal = field('nearest-proposal');

let nearestController = null;
let place = null; // the municipality the region follows: {code, name, region, region_name}
// The address picked: {street, clicked}, its label's street and number (the text before the
// first comma), and whether its position is a map click kept with "Use"; the position and
// municipality are its.
let picked = null;
let municipalityTimer = null;
let municipalityAsked = 0;

const letters = (s) => (s.match(/[\p{L}\p{N}]/gu) || []).length;
const streetOf = (label) => label.split(',')[0].trim();

/** Whether the text still names the picked street and number: a detail appended (", ingång B",
    " 3 tr") keeps the pick; another street, number or letter (10 → 105, 10A) does not. */
function sameStreet(text, street) {
  const a = text.trimStart().toLocaleLowerCase('sv');
  const b = street.toLocaleLowerCase('sv');
  return a.startsWith(b) && !/[\p{L}\p{N}]/u.test(a.charAt(b.length));
}

function regionOption(code) {
  return [...regionSelect.options].find((o) => o.dataset.code === code) || null;
}

/* ---------- the region follows the municipality ---------- */

function showRegionNote() {
  const chosen = regionSelect.selectedOptions[0];
  if (municipalityTimer) {
    note.dataset.state = 'checking';
    note.textContent = '';
    return;
  }
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
  clearTimeout(municipalityTimer);
  municipalityTimer = null;
  municipalityAsked += 1;
  place = m && m.region ? m : null;
  codeInput.value = m?.code || '';
  municipalityInput.value = m?.name || name;
  const option = place && regionOption(place.region);
  if (option) regionSelect.value = option.value;
  showRegionNote();
}

/** Whether the place's municipality is known (then a position alone does not move the region). */
export const municipalityKnown = () => place != null;

/** A municipality typed by hand: the server's match (places.selectors.municipality_find,
    which folds case and accents) gives its code and region; none known says so. */
async function municipalityLookup(name) {
  const mine = ++municipalityAsked;
  let found = [];
  try {
    found = await api(`/api/municipalities/?name=${encodeURIComponent(name)}`);
  } catch { /* unknown here; the server applies the rule when the case is sent */ }
  if (mine !== municipalityAsked || municipalityInput.value.trim() !== name) return;
  municipalityTimer = null;
  const m = found[0] || null;
  place = m && m.region ? m : null;
  codeInput.value = m?.code || '';
  const option = place && regionOption(place.region);
  if (option) regionSelect.value = option.value;
  showRegionNote();
}

municipalityInput.addEventListener('input', () => {
  clearTimeout(municipalityTimer);
  municipalityAsked += 1;
  place = null;
  codeInput.value = '';
  const typed = municipalityInput.value.trim();
  municipalityTimer = typed ? setTimeout(() => municipalityLookup(typed), DEBOUNCE_MS) : null;
  showRegionNote();
});
regionSelect.addEventListener('change', showRegionNote);

/* ---------- a pick ---------- */

function fillFrom(hit, { position }) {
  input.value = hit.label;
  picked = { street: streetOf(hit.label), clicked: !position };
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

/** The street or number was changed after a pick: its municipality and the region that
    followed it go (a region chosen by hand stays), and its position too unless it is a click
    on the map, until a new pick or a click on the map. */
function dropPick() {
  const { clicked } = picked;
  picked = null;
  if (!clicked) {
    field('case-lat').value = '';
    field('case-lon').value = '';
    markPick(NaN, NaN);
  }
  const followed = note.dataset.state === 'follows';
  setMunicipality(null);
  if (followed) regionSelect.value = '';
  showRegionNote();
  proposal.hidden = true;
  status.textContent = t(clicked ? 'console.map.stale_clicked' : 'console.map.stale');
}

/* ---------- the suggestions ---------- */

/**
 * The address search box as an ARIA combobox on `input` with its listbox `list` and its live
 * `status`: the register's addresses as the dispatcher types (the chosen region's and those
 * near the map first), arrow keys, Enter picks, Escape closes. Used by the new case's form and
 * by the edit of a case (console-case-edit.js). `regionCode()` the region chosen (breaks ties),
 * `onPick(hit)` a pick, `onTyped(q)` each keystroke first: false when nothing is to be looked up
 * (it may say why in the status). Returns {close, reset}.
 */
export function addressCombobox({ input, list, status, optionPrefix, regionCode, onPick, onTyped }) {
  let hits = [];
  let active = -1;
  let timer = null;
  let controller = null;
  let asked = 0; // the number of the latest search: an older answer is dropped

  function close() {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function pick(index) {
    const hit = hits[index];
    if (!hit) return;
    close();
    onPick(hit);
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
    const option = el('li', { id: `${optionPrefix}-${i}`, role: 'option', 'aria-selected': 'false', class: 'combo-option', dataset: { source: hit.source } },
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
    // Among equal matches the server lists first those in the chosen region, then near the map.
    const params = new URLSearchParams({ q });
    const centre = mapCentre();
    if (centre) params.set('near', centre);
    const region = regionCode();
    if (region) params.set('region', region);
    let found;
    try {
      found = await api(`/api/addresses/?${params}`, { signal: controller.signal });
    } catch (err) {
      if (err.name === 'AbortError' || mine !== asked) return;
      close();
      status.textContent = err.detail;
      return;
    }
    if (mine !== asked || input.value.trim() !== q) return;
    show(found);
  }

  function stop() {
    clearTimeout(timer);
    controller?.abort();
    asked += 1;
    close();
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (onTyped(q) === false) {
      stop();
      return;
    }
    if (letters(q) < minChars()) {
      stop();
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
        // Suggestions open: Enter picks the one chosen, and never sends the form past them.
        if (open) {
          e.preventDefault();
          if (active >= 0) pick(active);
          else status.textContent = t('console.map.choose');
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

  return {
    close,
    reset() {
      stop();
      hits = [];
      list.replaceChildren();
      status.textContent = '';
    },
  };
}

const combo = addressCombobox({
  input, list, status, optionPrefix: 'address-option',
  regionCode: () => regionSelect.selectedOptions[0]?.dataset.code,
  onPick: (hit) => {
    fillFrom(hit, { position: true });
    status.textContent = t('console.map.picked', { label: hit.label });
    proposal.hidden = true;
  },
  onTyped: (q) => {
    const stale = picked !== null && !sameStreet(input.value, picked.street);
    if (stale) dropPick();
    if (picked) { // a detail added to the picked address: nothing to look up
      status.textContent = t('console.map.kept', { street: picked.street });
      return false;
    }
    if (letters(q) < minChars() && !stale) status.textContent = '';
    return true;
  },
});

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
  combo.reset();
  nearestController?.abort();
  proposal.hidden = true;
  picked = null;
  setMunicipality(null);
}
