/* The crew tablet's position, for the console's map (and the tablet's own): through the outbox like a status tap
   (offline it is kept and sent in order later). One is queued every POSITION_EVERY_MS, or
   sooner when the unit has moved POSITION_MOVE_M. */

import { serverNow, uuid } from './common.js';

const POSITION_MOVE_M = 100;
const POSITION_EVERY_MS = 15000;

let watchId = null;
// {at, lat, lon} of the last position queued; kept over a reload, so that a restarted tablet
// does not report the same place again at once.
const LAST_POSITION_KEY = 'larmkedjan.lastPosition';
let lastQueued = null;
try { lastQueued = JSON.parse(localStorage.getItem(LAST_POSITION_KEY)); } catch { /* none */ }
// The latest fix of this tablet, queued or not ({lat, lon}), for the assignment's map.
let lastFix = lastQueued ? { lat: lastQueued.lat, lon: lastQueued.lon } : null;
const fixListeners = new Set();

/** The tablet's latest own position ({lat, lon} or null), and each new one to `listener`. */
export function ownPosition(listener) {
  if (listener) fixListeners.add(listener);
  return lastFix;
}

/** Metres between two positions (equirectangular: plenty for 100 m). */
function distance(lat1, lon1, lat2, lon2) {
  const rad = Math.PI / 180;
  const x = (lon2 - lon1) * rad * Math.cos(((lat1 + lat2) / 2) * rad);
  const y = (lat2 - lat1) * rad;
  return Math.hypot(x, y) * 6371000;
}

/** Watch the position (once): unit() is the unit joined, queue(change) the outbox's. */
export function startPosition({ unit: unitOf, queue }) {
  if (watchId != null || !navigator.geolocation) return;
  watchId = navigator.geolocation.watchPosition((pos) => {
    const unit = unitOf();
    if (!unit) return;
    const { latitude, longitude } = pos.coords;
    lastFix = { lat: latitude, lon: longitude };
    fixListeners.forEach((listener) => listener(lastFix));
    const now = Date.now();
    if (lastQueued && now - lastQueued.at < POSITION_EVERY_MS
        && distance(lastQueued.lat, lastQueued.lon, latitude, longitude) < POSITION_MOVE_M) return;
    lastQueued = { at: now, lat: latitude, lon: longitude };
    try { localStorage.setItem(LAST_POSITION_KEY, JSON.stringify(lastQueued)); } catch { /* full */ }
    const skew = serverNow().getTime() - Date.now();
    const key = uuid();
    queue({
      key, kind: 'position', unit, url: `/api/units/${unit}/position/`,
      body: {
        latitude, longitude, idempotency_key: key,
        at: new Date(Math.min(pos.timestamp, Date.now()) + skew).toISOString(),
      },
    });
  }, () => { /* no permission or no fix: the console shows the last known position */ },
  { enableHighAccuracy: true, maximumAge: 10000 });
}
