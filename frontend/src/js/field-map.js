/* The field screens' small map (the crew tablet, the volunteer's phone): a few named points,
   each a marker with its own shape, colour and a visible word (never colour alone), all kept
   in view. The map is map.js's (the page's tile layer); offline without tiles the markers
   still show on the plain background.

   Leaflet's script is run the first time there is something to draw (the map's element
   names it: data-leaflet), once the screen's text is painted, not by the page: the assignment
   card and its buttons never wait for it (on slow 3G it held the card back by seconds). The
   crew's page preloads it at low priority, so its bytes are there when the card comes. The
   service worker precaches it.

   Also the "Navigera" link both screens put next to their map: the centre's template from the
   page and the link's way of opening (navigation.js makes the URL, without the DOM). */

import { el } from './common.js';
import { mapCreate } from './map.js';
import { opensWebPage } from './navigation.js';

/** The centre's navigation template (#navigation-url, settings.NAVIGATION_URL), or ''. */
export function navigationTemplate() {
  try {
    return JSON.parse(document.getElementById('navigation-url')?.textContent || '""');
  } catch {
    return '';
  }
}

/** Link `node` to url (to the place of `kind`): a web page opens in a new tab, an app link
    (geo:, maps:) hands over; without a url the link is hidden and goes nowhere. */
export function navigationLinkSet(node, url, kind) {
  node.hidden = !url;
  if (!url) {
    node.removeAttribute('href');
    return;
  }
  node.href = url;
  node.dataset.target = kind;
  if (opensWebPage(url)) {
    node.target = '_blank';
    node.rel = 'noopener noreferrer';
  } else {
    node.removeAttribute('target');
    node.removeAttribute('rel');
  }
}

/** Resolves once the browser has painted what the page shows now (at once in a hidden tab,
    which paints nothing). */
function afterPaint() {
  return new Promise((resolve) => {
    if (document.visibilityState !== 'visible') setTimeout(resolve, 0);
    else requestAnimationFrame(() => setTimeout(resolve, 0));
  });
}

let leaflet = null;
/** Leaflet's classic script, once; a failure (offline before it was ever stored) may be
    tried again at the next drawing. Run only after the screen's text is painted: the page
    fetches it early (a preload), but running it is a long task the card must not wait for. */
function leafletLoad(src) {
  if (window.L) return Promise.resolve();
  leaflet ??= afterPaint().then(() => new Promise((resolve, reject) => {
    document.head.append(el('script', {
      src,
      // The map is made in a task of its own: with Leaflet's evaluation it was one long task.
      onload: () => setTimeout(resolve, 0),
      onerror: () => {
        leaflet = null;
        reject(new Error('Leaflet did not load'));
      },
    }));
  }));
  return leaflet;
}

/** A point's marker: its shape and its word (the kind gives both their look: field.css). */
function markerIcon(p) {
  return L.divIcon({
    className: `field-marker fm-${p.kind}`,
    html: el('span', { class: 'fm-pin' }, el('span', { class: 'fm-shape', 'aria-hidden': 'true' }),
      el('span', { class: 'fm-label' }, p.label)),
    iconSize: null,
    iconAnchor: [13, 13],
  });
}

export class FieldMap {
  /** container: the element the map fills (created on the first show, when it has a size). */
  constructor(container) {
    this.container = container;
    this.map = null;
    this.markers = new Map(); // kind -> {marker, label}
    this.fitted = '';
    this.waiting = null; // points to show once Leaflet has loaded
  }

  /** Show these points ({kind, label, latitude, longitude}; kind: scene, self, unit, aed,
      patient, destination): markers added, moved or removed, and the view fitted again when
      the set of points changed (not on every small move of one's own position). */
  show(points) {
    const usable = points.filter((p) => Number.isFinite(p?.latitude) && Number.isFinite(p?.longitude));
    if (!usable.length) {
      this.waiting = null;
      this.clear();
      return;
    }
    if (!window.L) {
      this.waiting = points;
      leafletLoad(this.container.dataset.leaflet)
        .then(() => { if (this.waiting) this.show(this.waiting); })
        .catch(() => { /* no map: the screen goes on without one */ });
      return;
    }
    this.waiting = null;
    if (!this.map) {
      if (!this.container.isConnected || !this.container.offsetWidth) return;
      // Its first view is the points' (fit, below): no tiles of another view made first.
      this.map = mapCreate(this.container, { zoomControl: true, viewLater: true });
      if (!this.map) return;
    }
    const seen = new Set();
    for (const p of usable) {
      seen.add(p.kind);
      const entry = this.markers.get(p.kind);
      if (!entry) {
        // With its own icon from the start: Leaflet's default one would fetch three images.
        const marker = L.marker([p.latitude, p.longitude], { icon: markerIcon(p), keyboard: false, interactive: false });
        this.markers.set(p.kind, { marker, label: p.label });
        marker.addTo(this.map);
        continue;
      }
      entry.marker.setLatLng([p.latitude, p.longitude]);
      if (entry.label !== p.label) {
        entry.marker.setIcon(markerIcon(p));
        entry.label = p.label;
      }
    }
    for (const [kind, entry] of this.markers) {
      if (!seen.has(kind)) {
        entry.marker.remove();
        this.markers.delete(kind);
      }
    }
    const key = [...seen].sort().join('|');
    if (key !== this.fitted) {
      this.fit(usable);
      this.fitted = key;
    }
  }

  fit(points) {
    if (!this.map || !points.length) return;
    this.map.invalidateSize();
    if (points.length === 1) this.map.setView([points[0].latitude, points[0].longitude], 15);
    // The words stand right of their markers: room for them on that side.
    else {
      this.map.fitBounds(points.map((p) => [p.latitude, p.longitude]),
        { paddingTopLeft: [40, 40], paddingBottomRight: [130, 40], maxZoom: 16 });
    }
  }

  /** No map at all: the markers, the view and its tiles gone (nothing left on the page of
      where the volunteer was sent). */
  clear() {
    this.map?.remove();
    this.map = null;
    this.markers.clear();
    this.fitted = '';
  }

  /** After the container was shown again or changed size: draw anew and fit the points. */
  refit() {
    if (!this.map) return;
    this.map.invalidateSize();
    this.fitted = '';
  }
}
