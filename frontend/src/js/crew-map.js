/* The assignment card's map and "Navigera": the scene (the case's position), the unit's own
   latest fix (crew-position.js) and, once the patient is loaded, the destination where it has
   a position. The map is secondary to the status buttons: a panel of fixed height that the
   crew can fold away (kept folded on this tablet). "Navigera" opens the tablet's map app at
   the current step's place (navigation.js): the scene until the patient is loaded, then the
   destination: the hospital chosen on the card (crew-destination.js), {id, name, short_name,
   latitude, longitude}; a destination given in words only is named, and without a position
   there is nothing to navigate to. While a staging point (*brytpunkt*) holds the crew back,
   it is marked and "Navigera" goes there instead of the scene (crew-staging.js). */

import { t } from './common.js';
import { ownPosition } from './crew-position.js';
import { stagingTarget } from './crew-staging.js';
import { FieldMap, navigationLinkSet, navigationTemplate } from './field-map.js';
import { devicePlatform, navigationUrl } from './navigation.js';

// Once the patient is loaded the way goes to the destination.
const TOWARDS_DESTINATION = new Set(['transporting', 'at_hospital']);
const FOLDED_KEY = 'larmkedjan.crew.mapFolded';
const PLATFORM = devicePlatform(navigator);
const $ = (id) => document.getElementById(id);

let fieldMap = null;
let shown = null; // the assignment on the map, drawn again when the own position moves
const TEMPLATE = navigationTemplate();

/** Where the destination is, when the assignment says ({latitude, longitude, name}: a
    hospital), else null (none chosen, or a destination in words). */
function destinationPoint(a) {
  const d = a.destination;
  if (d && typeof d === 'object' && Number.isFinite(d.latitude) && Number.isFinite(d.longitude)) return d;
  return null;
}
const destinationName = (a) => (typeof a.destination === 'string' ? a.destination
  : a.destination?.name || '');

/** The place of the current step: {latitude, longitude, label, kind}, or null. */
export function currentTarget(a) {
  if (TOWARDS_DESTINATION.has(a.status)) {
    const d = destinationPoint(a);
    return d ? { latitude: d.latitude, longitude: d.longitude, label: d.name || destinationName(a), kind: 'destination' } : null;
  }
  const staging = stagingTarget(a);
  if (staging) return staging;
  const c = a.case;
  return { latitude: c.latitude, longitude: c.longitude, label: c.address, kind: 'scene' };
}

function setup() {
  const panel = $('a-map-panel');
  try { panel.open = localStorage.getItem(FOLDED_KEY) !== '1'; } catch { /* private mode */ }
  panel.addEventListener('toggle', () => {
    try { localStorage.setItem(FOLDED_KEY, panel.open ? '0' : '1'); } catch { /* full */ }
    if (panel.open && shown) {
      fieldMap?.refit();
      draw(shown.a, shown.unitLabel);
    }
  });
  fieldMap = new FieldMap($('a-map'));
  ownPosition(() => { if (shown) draw(shown.a, shown.unitLabel); });
}

function draw(a, unitLabel) {
  const c = a.case;
  const points = [{ kind: 'scene', label: t('crew.map.scene'), latitude: c.latitude, longitude: c.longitude }];
  const staging = stagingTarget(a);
  if (staging) points.push(staging);
  const own = ownPosition();
  if (own) points.push({ kind: 'unit', label: unitLabel || t('crew.map.own'), latitude: own.lat, longitude: own.lon });
  const d = TOWARDS_DESTINATION.has(a.status) ? destinationPoint(a) : null;
  if (d) points.push({ kind: 'destination', label: d.name || t('crew.map.destination'), latitude: d.latitude, longitude: d.longitude });
  if ($('a-map-panel').open) fieldMap.show(points);
}

/** The map and "Navigera" for assignment a (with its case); unitLabel names the own marker. */
export function renderCrewMap(a, { unitLabel = '' } = {}) {
  if (!fieldMap) setup();
  shown = { a, unitLabel };
  draw(a, unitLabel);

  const target = currentTarget(a);
  const url = target && navigationUrl({ ...target, platform: PLATFORM, mode: 'drive', template: TEMPLATE });
  const nav = $('a-navigate');
  navigationLinkSet(nav, url, target?.kind);
  if (url) {
    nav.textContent = target.kind === 'destination' ? t('crew.map.navigate_destination')
      : target.kind === 'staging' ? t('crew.staging.navigate') : t('crew.map.navigate_scene');
  }
  const note = $('a-nav-note');
  const towards = TOWARDS_DESTINATION.has(a.status);
  note.hidden = !towards || Boolean(url);
  note.textContent = !towards || url ? ''
    : destinationName(a) ? t('crew.map.destination_unplaced', { name: destinationName(a) })
      : t('crew.map.no_destination');
}
