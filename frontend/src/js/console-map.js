/* The console's map (Leaflet, the classic script the page loads before its module; no map
   without it): the units where they last reported (stacked where several stand at one
   station), the open cases, the stations, and the position picked for a new case. A click on a
   unit, a case or the map itself goes to the hooks initMap was given. */

import { el } from './common.js';
import { state } from './console-state.js';
import { mapCreate } from './map.js';

let map = null;
const unitMarkers = new Map();
const caseMarkers = new Map();
let pickMarker = null;
let fitted = false;
let hooks = { onPick: () => {}, onUnit: () => {}, onCase: () => {} };

/** onPick(lat, lon): the map was clicked; onUnit(id), onCase(id): a marker was. */
export function initMap(options) {
  hooks = { ...hooks, ...options };
  map = mapCreate('map');
  map?.on('click', (e) => hooks.onPick(e.latlng.lat, e.latlng.lng));
}

/** Once there is something to show: the units and stations in view. */
export function fitMapOnce() {
  if (fitted || !map) return;
  const points = [...state.units.values()].filter((u) => u.latitude != null).map((u) => [u.latitude, u.longitude]);
  state.stations.forEach((s) => points.push([s.latitude, s.longitude]));
  if (points.length) {
    map.fitBounds(points, { padding: [30, 30] });
    fitted = true;
  }
}

export function panTo(lat, lon) {
  map?.panTo([lat, lon]);
}

export function renderMap() {
  if (!map) return;
  // Units at the same spot (a station) are stacked under each other, not drawn on top.
  const stacks = new Map();
  const units = [...state.units.values()].filter((u) => u.latitude != null && u.longitude != null)
    .sort((a, b) => a.call_sign.localeCompare(b.call_sign));
  const seen = new Set();
  for (const u of units) {
    const key = `${u.latitude.toFixed(4)},${u.longitude.toFixed(4)}`;
    const index = stacks.get(key) || 0;
    stacks.set(key, index + 1);
    const selected = state.selectedUnits.has(u.id);
    const sig = `${u.status}|${selected}|${index}|${key}`;
    let marker = unitMarkers.get(u.id);
    if (!marker) {
      marker = L.marker([u.latitude, u.longitude], { keyboard: false, title: u.call_sign });
      marker.on('click', () => hooks.onUnit(u.id));
      marker.addTo(map);
      unitMarkers.set(u.id, marker);
    }
    if (marker._sig !== sig) {
      marker.setLatLng([u.latitude, u.longitude]);
      marker.setIcon(L.divIcon({
        className: `unit-marker st-${u.status}${selected ? ' is-selected' : ''}`,
        html: el('span', {}, el('span', { class: 'dot' }), el('span', { class: 'lbl' }, u.call_sign)),
        iconSize: null,
        iconAnchor: [9, 9 - index * 20],
      }));
      marker.getElement()?.setAttribute('data-unit', u.id);
      marker._sig = sig;
    }
    seen.add(u.id);
  }
  for (const [id, marker] of unitMarkers) {
    if (!seen.has(id)) {
      marker.remove();
      unitMarkers.delete(id);
    }
  }
  const seenCases = new Set();
  for (const c of state.cases.values()) {
    const selected = state.selectedCase === c.id;
    const sig = `${c.priority}|${selected}|${c.latitude}|${c.longitude}`;
    let marker = caseMarkers.get(c.id);
    if (!marker) {
      marker = L.marker([c.latitude, c.longitude], { keyboard: false, zIndexOffset: 1000 });
      marker.on('click', () => hooks.onCase(c.id));
      marker.addTo(map);
      caseMarkers.set(c.id, marker);
    }
    if (marker._sig !== sig) {
      marker.setLatLng([c.latitude, c.longitude]);
      marker.setIcon(L.divIcon({
        className: `case-marker prio prio-${c.priority}${selected ? ' is-selected' : ''}`,
        html: el('span', { class: 'tag', title: c.complaint }, `${c.priority} ${(c.reference || '').split('-').pop()}`),
        iconSize: null,
        iconAnchor: [0, 0],
      }));
      marker._sig = sig;
    }
    seenCases.add(c.id);
  }
  for (const [id, marker] of caseMarkers) {
    if (!seenCases.has(id)) {
      marker.remove();
      caseMarkers.delete(id);
    }
  }
}

export function drawStations() {
  if (!map) return;
  for (const s of state.stations) {
    L.marker([s.latitude, s.longitude], {
      interactive: false, keyboard: false, zIndexOffset: -1000,
      icon: L.divIcon({ className: 'station-marker', html: el('span', {}, s.name), iconSize: null, iconAnchor: [0, 0] }),
    }).addTo(map);
  }
}

/** The new case's position on the map; none when lat or lon is not a number. */
export function markPick(lat, lon) {
  if (!map) return;
  if (Number.isNaN(lat) || Number.isNaN(lon)) {
    pickMarker?.remove();
    pickMarker = null;
    return;
  }
  if (!pickMarker) {
    pickMarker = L.marker([lat, lon], {
      interactive: false, zIndexOffset: 2000,
      icon: L.divIcon({ className: 'pick-marker', iconSize: [22, 22], iconAnchor: [11, 11] }),
    }).addTo(map);
  } else {
    pickMarker.setLatLng([lat, lon]);
  }
}
