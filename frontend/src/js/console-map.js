/* The console's map (Leaflet, the classic script the page loads before its module; no map
   without it): the units where they last reported, coloured by status (stacked where several
   stand at one station), the open cases, the stations, the position picked for a new case,
   and around the selected case the open defibrillators (GET /api/ivpa/aeds/), marked where
   an accepted responder is fetching one (how far around is the server's IVPA_AED_RADIUS_M),
   and the case's responders on the way ("Frivillig 1 · på väg", a triangle: the coarse
   position the callout carries only while they are on the way; gone when they arrive or the
   callout ends). Units and defibrillators gather into clusters where they crowd
   (leaflet.markercluster, when loaded), so their labels never overlap. A click on a unit, a
   case or the map itself goes to the hooks initMap was given. */

import { api, el, priorityShort, t } from './common.js';
import { aedRunners, caseResponders } from './console-ivpa.js';
import { state } from './console-state.js';
import { mapCreate } from './map.js';

const CASE_ZOOM = 15; // a selected case or a picked address: street level
// Below this zoom markers that crowd are clustered; from it on each stands alone.
const CLUSTER_UNTIL_ZOOM = 15;

let map = null;
let crowd = null; // the cluster group of units and defibrillators (or the map itself)
const unitMarkers = new Map();
const caseMarkers = new Map();
const aedMarkers = new Map();
const responderMarkers = new Map();
const aeds = { caseId: null, key: '', list: [] };
let pickMarker = null;
let fitted = false;
let hooks = { onPick: () => {}, onUnit: () => {}, onCase: () => {} };
let pickOverride = null; // a click on the map places something else (a staging point)

function clusterIcon(cluster) {
  const children = cluster.getAllChildMarkers();
  const names = children.map((m) => m.options.title).filter(Boolean);
  const label = t('console.map.cluster', { n: children.length });
  return L.divIcon({
    className: 'map-cluster',
    html: el('span', { title: `${label}: ${names.slice(0, 12).join(', ')}${names.length > 12 ? ' …' : ''}` }, String(children.length)),
    iconSize: L.point(34, 34),
  });
}

/** A new marker's icon until its own is set, in the same redraw: Leaflet's default icon would
    fetch its images and lay them out for nothing. */
const blank = () => L.divIcon({ className: '', html: '', iconSize: null });

/** onPick(lat, lon): the map was clicked; onUnit(id), onCase(id): a marker was. */
export function initMap(options) {
  hooks = { ...hooks, ...options };
  map = mapCreate('map');
  if (!map) return;
  map.on('click', (e) => (pickOverride || hooks.onPick)(e.latlng.lat, e.latlng.lng));
  map.on('dragstart', () => { fitted = true; }); // moved by the dispatcher: the first fit leaves it
  // Where the map looks, on its element (for a person's tools and the browser tests).
  const container = map.getContainer();
  const noteView = () => {
    const c = map.getCenter();
    container.dataset.zoom = String(map.getZoom());
    container.dataset.center = `${c.lat.toFixed(5)},${c.lng.toFixed(5)}`;
  };
  map.on('moveend zoomend', noteView);
  noteView();
  crowd = L.markerClusterGroup
    ? L.markerClusterGroup({
      maxClusterRadius: 40, disableClusteringAtZoom: CLUSTER_UNTIL_ZOOM, showCoverageOnHover: false,
      spiderfyOnMaxZoom: false, iconCreateFunction: clusterIcon,
    }).addTo(map)
    : map;
  for (const id of panicSpots.keys()) drawPanic(id);
}

/** Where the map looks, "latitude,longitude" (the address search's tie-break); '' without a map. */
export function mapCentre() {
  if (!map) return '';
  const c = map.getCenter();
  return `${c.lat.toFixed(5)},${c.lng.toFixed(5)}`;
}

/** Once there is something to show: the units and stations in view. */
export function fitMapOnce() {
  if (fitted || !map) return;
  const points = [...state.units.values()].filter((u) => u.latitude != null).map((u) => [u.latitude, u.longitude]);
  state.stations.forEach((s) => points.push([s.latitude, s.longitude]));
  if (points.length) {
    // No animation: the clusters are not worked out again frame by frame while the console starts.
    map.fitBounds(points, { padding: [30, 30], animate: false });
    fitted = true;
  }
}

/** The map to a place at street level (a selected case, a picked address). The first fit to
    the units then no longer moves it: a dispatcher who chose a place keeps it. */
export function zoomTo(lat, lon) {
  if (!map) return;
  fitted = true;
  const go = () => map.setView([lat, lon], Math.max(map.getZoom(), CASE_ZOOM));
  // Leaflet drops a view asked for while a zoom animation runs (the first fit's, when a case is
  // clicked just after the console opened): go there once that animation has ended.
  if (map._animatingZoom) map.once('zoomend', go);
  else go();
}

export function renderMap() {
  if (!map) return;
  // Units at the same spot (a station) are stacked under each other, not drawn on top.
  const stacks = new Map();
  const units = [...state.units.values()].filter((u) => u.latitude != null && u.longitude != null)
    .sort((a, b) => a.call_sign.localeCompare(b.call_sign));
  const seen = new Set();
  // New units' markers join the cluster group together at the end (one clustering pass, not
  // one per marker: the console's first redraw adds every unit at once).
  const fresh = [];
  for (const u of units) {
    const key = `${u.latitude.toFixed(4)},${u.longitude.toFixed(4)}`;
    const index = stacks.get(key) || 0;
    stacks.set(key, index + 1);
    const selected = state.selectedUnits.has(u.id);
    const sig = `${u.status}|${selected}|${index}|${key}`;
    let marker = unitMarkers.get(u.id);
    if (!marker) {
      marker = L.marker([u.latitude, u.longitude], { keyboard: false, title: u.call_sign, icon: blank() });
      marker.on('click', () => hooks.onUnit(u.id));
      // Its element is made when it leaves a cluster, too.
      marker.on('add', () => marker.getElement()?.setAttribute('data-unit', u.id));
      fresh.push(marker);
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
  if (fresh.length) {
    if (crowd.addLayers) crowd.addLayers(fresh);
    else fresh.forEach((m) => m.addTo(crowd));
  }
  for (const [id, marker] of unitMarkers) {
    if (!seen.has(id)) {
      crowd.removeLayer(marker);
      unitMarkers.delete(id);
    }
  }
  const seenCases = new Set();
  for (const c of state.cases.values()) {
    const selected = state.selectedCase === c.id;
    const sig = `${c.priority}|${selected}|${c.latitude}|${c.longitude}`;
    let marker = caseMarkers.get(c.id);
    if (!marker) {
      marker = L.marker([c.latitude, c.longitude], {
        keyboard: false, zIndexOffset: 1000, title: t('console.map.case', { ref: c.reference || '', complaint: c.complaint }),
        icon: blank(),
      });
      marker.on('click', () => hooks.onCase(c.id));
      marker.addTo(map);
      caseMarkers.set(c.id, marker);
    }
    if (marker._sig !== sig) {
      marker.setLatLng([c.latitude, c.longitude]);
      marker.setIcon(L.divIcon({
        className: `case-marker prio prio-${c.priority}${selected ? ' is-selected' : ''}`,
        html: el('span', { class: 'tag', title: c.complaint }, `${priorityShort(c.priority)} ${(c.reference || '').split('-').pop()}`),
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
  renderAeds();
  renderResponders();
}

/* ---------- the selected case's responders on the way ---------- */

function renderResponders() {
  const list = state.selectedCase != null ? caseResponders(state.selectedCase) : [];
  const seen = new Set();
  for (const a of list) {
    const label = t('console.map.responder', { kind: t(`ivpa.kind.${a.kind}`), n: a.n });
    const title = t('console.map.responder_title', { label, name: a.name });
    const at = [a.position.latitude, a.position.longitude];
    const sig = `${title}|${at}`;
    let marker = responderMarkers.get(a.id);
    if (!marker) {
      marker = L.marker(at, { keyboard: false, zIndexOffset: 1500, title, icon: blank() });
      marker.addTo(map);
      responderMarkers.set(a.id, marker);
    }
    if (marker._sig !== sig) {
      marker.setLatLng(at);
      marker.options.title = title;
      marker.setIcon(L.divIcon({
        className: `responder-marker kind-${a.kind}`,
        html: el('span', { title, dataset: { alert: a.id } },
          el('span', { class: 'responder-sign', 'aria-hidden': 'true' }, '▲'), el('span', { class: 'lbl' }, label)),
        iconSize: null,
        iconAnchor: [10, 10],
      }));
      marker._sig = sig;
    }
    seen.add(a.id);
  }
  for (const [id, marker] of responderMarkers) {
    if (!seen.has(id)) {
      marker.remove();
      responderMarkers.delete(id);
    }
  }
}

/* ---------- the defibrillators around the selected case ---------- */

async function loadAeds(c, key) {
  aeds.key = key;
  aeds.caseId = c.id;
  try {
    const found = await api(`/api/ivpa/aeds/?latitude=${c.latitude}&longitude=${c.longitude}`);
    if (aeds.key !== key) return;
    aeds.list = found;
  } catch {
    if (aeds.key === key) aeds.list = [];
  }
  renderAeds();
}

const distanceText = (m) => (m < 1000 ? t('ivpa.metres', { n: Math.round(m / 10) * 10 })
  : t('ivpa.kilometres', { n: (m / 1000).toLocaleString(document.documentElement.lang || 'sv', { maximumFractionDigits: 1 }) }));

function renderAeds() {
  const c = state.selectedCase != null ? state.cases.get(state.selectedCase) : null;
  const key = c ? `${c.id}|${c.latitude}|${c.longitude}` : '';
  if (key !== aeds.key) {
    aeds.list = [];
    if (c) loadAeds(c, key);
    else aeds.key = '';
  }
  const runners = c ? aedRunners(c.id) : new Map();
  const seen = new Set();
  for (const a of aeds.list) {
    const fetchedBy = runners.get(a.name) || [];
    const title = fetchedBy.length
      ? t('console.map.aed_target', { name: a.name, distance: distanceText(a.distance_m), responders: fetchedBy.join(', ') })
      : t('console.map.aed', { name: a.name, distance: distanceText(a.distance_m) });
    const sig = `${title}|${a.latitude}|${a.longitude}`;
    let marker = aedMarkers.get(a.id);
    if (!marker) {
      marker = L.marker([a.latitude, a.longitude], { keyboard: false, title, icon: blank() });
      aedMarkers.set(a.id, marker);
      marker.addTo(crowd);
    }
    if (marker._sig !== sig) {
      marker.setLatLng([a.latitude, a.longitude]);
      marker.options.title = title;
      marker.setIcon(L.divIcon({
        className: `aed-marker${fetchedBy.length ? ' is-target' : ''}`,
        html: el('span', { title, dataset: { aed: a.id } }, el('span', { class: 'aed-sign', 'aria-hidden': 'true' }, '♥'), el('span', { class: 'lbl' }, a.name)),
        iconSize: null,
        iconAnchor: [10, 10],
      }));
      marker._sig = sig;
    }
    seen.add(a.id);
  }
  for (const [id, marker] of aedMarkers) {
    if (!seen.has(id)) {
      crowd.removeLayer(marker);
      aedMarkers.delete(id);
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
      interactive: false, keyboard: false, zIndexOffset: 2000,
      icon: L.divIcon({ className: 'pick-marker', iconSize: [22, 22], iconAnchor: [11, 11] }),
    }).addTo(map);
  } else {
    pickMarker.setLatLng([lat, lon]);
  }
}

/* The panic alarms' last positions (console-panic.js): a red marker each, above all others,
   kept while the map is not made yet. */
const panicSpots = new Map(); // alarm id -> {lat, lon, label, marker}

function drawPanic(id) {
  const spot = panicSpots.get(id);
  if (!map || !spot) return;
  if (spot.marker) {
    spot.marker.setLatLng([spot.lat, spot.lon]);
    return;
  }
  spot.marker = L.marker([spot.lat, spot.lon], {
    title: spot.label, keyboard: false, zIndexOffset: 5000,
    icon: L.divIcon({ className: 'panic-marker', html: el('span', {}, spot.label), iconSize: null, iconAnchor: [0, 0] }),
  }).addTo(map);
}

/** The panic alarm's marker at its last position (made or moved). */
export function markPanic(id, lat, lon, label) {
  const spot = panicSpots.get(id) || { label };
  Object.assign(spot, { lat, lon });
  panicSpots.set(id, spot);
  drawPanic(id);
}

export function unmarkPanic(id) {
  panicSpots.get(id)?.marker?.remove();
  panicSpots.delete(id);
}

/** While `fn` is set, a click on the map calls fn(lat, lon) instead of placing the new case
    (console-staging.js places a staging point so); null gives the click back. */
export function mapPickOverride(fn) {
  pickOverride = fn;
  map?.getContainer().classList.toggle('is-placing', Boolean(fn));
}

/* Staging points (*brytpunkt*, console-staging.js): one marker per key, made, moved or taken
   away on each redraw; kept while the map is not made yet. */
const stagingSpots = new Map(); // key -> {lat, lon, label, draft, marker}

/** The staging points to show now: [{key, lat, lon, label, draft}]. */
export function markStaging(spots) {
  const keep = new Set(spots.map((p) => p.key));
  for (const [key, spot] of stagingSpots) {
    if (!keep.has(key)) {
      spot.marker?.remove();
      stagingSpots.delete(key);
    }
  }
  for (const p of spots) {
    const spot = stagingSpots.get(p.key) || {};
    Object.assign(spot, p);
    stagingSpots.set(p.key, spot);
    if (!map) continue;
    const icon = () => L.divIcon({
      className: `staging-spot${spot.draft ? ' is-draft' : ''}`,
      html: el('span', { class: 'staging-marker', title: spot.label }, ''),
      iconSize: [24, 24], iconAnchor: [12, 12],
    });
    if (!spot.marker) {
      spot.marker = L.marker([spot.lat, spot.lon], {
        title: spot.label, keyboard: false, interactive: false, zIndexOffset: 3000, icon: icon(),
      }).addTo(map);
      spot.marker.getElement()?.setAttribute('data-staging', p.key);
    } else {
      spot.marker.setLatLng([spot.lat, spot.lon]);
    }
  }
}
