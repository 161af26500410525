/* The volunteer's map after accepting: themself (the phone's live position while the map is
   shown, if the phone gives it), the defibrillator to fetch (when routed by one) and the
   patient, each marker with its own shape and word; the walking time of each leg as the
   server worked it out (the alert's `legs`, from places.travel: never computed here), marked
   "estimated" when no router made it; and "Navigera" to the current target: the defibrillator
   first when routed by one, else the patient (the patient's section keeps its own button for
   the second leg). Nothing of this is shown before accepting, and the markers go when the
   alert ends (where to go is kept in memory only). */

import { t } from './common.js';
import { FieldMap, navigationLinkSet, navigationTemplate } from './field-map.js';
import { devicePlatform, navigationUrl } from './navigation.js';

const PLATFORM = devicePlatform(navigator);
const $ = (id) => document.getElementById(id);
const LEG_TARGETS = new Set(['aed', 'patient']);

let fieldMap = null;
let watchId = null;
let here = null; // {latitude, longitude} of the phone, while the map is shown
let shown = null;
const TEMPLATE = navigationTemplate();

export function durationText(seconds) {
  if (seconds == null) return '';
  if (seconds < 60) return t('time.seconds', { n: Math.round(seconds) });
  return t('time.minutes', { n: Math.round(seconds / 60) });
}

/** "To the defibrillator: 4 min · To the patient: 3 min", each leg marked when estimated. */
export function legsText(legs) {
  return (legs || []).filter((leg) => LEG_TARGETS.has(leg.to) && leg.seconds != null).map((leg) => {
    const text = t(leg.to === 'aed' ? 'responder.map.leg_aed' : 'responder.map.leg_patient',
      { time: durationText(leg.seconds) });
    return leg.source === 'estimate' ? `${text} (${t('responder.map.estimated')})` : text;
  }).join(' · ');
}

function follow(on) {
  if (!navigator.geolocation) return;
  if (on && watchId == null) {
    watchId = navigator.geolocation.watchPosition((pos) => {
      here = { latitude: pos.coords.latitude, longitude: pos.coords.longitude };
      if (shown) draw(shown);
    }, () => { /* no permission or no fix: the map goes on without the volunteer */ },
    { enableHighAccuracy: true, maximumAge: 15000 });
  } else if (!on && watchId != null) {
    navigator.geolocation.clearWatch(watchId);
    watchId = null;
    here = null;
  }
}

function aedOf(a) {
  const aed = a.destination?.aed;
  return a.route === 'aed' && aed ? aed : null;
}

function draw(a) {
  const dest = a.destination;
  const points = [];
  if (here) points.push({ kind: 'self', label: t('responder.map.self'), ...here });
  const aed = aedOf(a);
  if (aed) points.push({ kind: 'aed', label: t('responder.map.aed'), latitude: aed.latitude, longitude: aed.longitude });
  points.push({ kind: 'patient', label: t('responder.map.patient'), latitude: dest.latitude, longitude: dest.longitude });
  fieldMap.show(points);
}

/** The map, the legs and "Navigera" for alert a once accepted (a.destination); none (the
    markers removed, the position no longer followed) when a is null or not engaged. */
export function renderResponderMap(a) {
  fieldMap ??= new FieldMap($('al-map'));
  if (!a?.destination) {
    shown = null;
    follow(false);
    fieldMap.show([]);
    return;
  }
  shown = a;
  follow(true);
  draw(a);

  const legs = $('al-legs');
  legs.textContent = legsText(a.legs);
  legs.hidden = !legs.textContent;

  const aed = aedOf(a);
  const target = aed ? { latitude: aed.latitude, longitude: aed.longitude, label: aed.name, kind: 'aed' }
    : { latitude: a.destination.latitude, longitude: a.destination.longitude, label: a.destination.address, kind: 'patient' };
  // A volunteer goes on foot; a fire and rescue or police unit alerted the same way drives.
  const mode = a.kind && a.kind !== 'volunteer' ? 'drive' : 'walk';
  const url = navigationUrl({ ...target, platform: PLATFORM, mode, template: TEMPLATE });
  navigationLinkSet($('al-navigate'), url, target.kind);
  $('al-navigate').textContent = t(aed ? 'responder.map.navigate_aed' : 'responder.map.navigate_patient');
  // The patient's own button is the second leg's, when the first goes to the defibrillator.
  const second = aed && navigationUrl({
    latitude: a.destination.latitude, longitude: a.destination.longitude, label: a.destination.address,
    platform: PLATFORM, mode, template: TEMPLATE,
  });
  navigationLinkSet($('al-nav'), second || null, 'patient');
}
