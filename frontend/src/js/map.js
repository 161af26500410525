/* One way to put a map on a screen: Leaflet (the classic script a page with a map loads before
   its module) with the tile layer the page carries (#map-tiles: settings.MAP_TILE_*). Without
   Leaflet there is no map, and the screen goes on without one. */

const DEFAULT_CENTRE = [59.5, 16.8];

export function tileLayerSettings() {
  const node = document.getElementById('map-tiles');
  try {
    return node ? JSON.parse(node.textContent) : null;
  } catch {
    return null;
  }
}

/** A Leaflet map in `container` (an element or its id) with the page's tile layer, or null
    when Leaflet did not load. `options` go to L.map (center and zoom have defaults), but
    `viewLater`: the caller sets the first view (fitBounds), so that no tiles of a default
    view are made and thrown away first (its layers wait for that view). */
export function mapCreate(container, { viewLater = false, ...options } = {}) {
  if (!window.L) return null;
  const tiles = tileLayerSettings() || {};
  const maxZoom = tiles.max_zoom || 18;
  const map = L.map(container, {
    maxZoom, minZoom: 4, zoomSnap: 0.5, attributionControl: Boolean(tiles.url), ...options,
  });
  if (!options.center && !viewLater) map.setView(DEFAULT_CENTRE, options.zoom || 8);
  if (tiles.url) {
    L.tileLayer(tiles.url, { maxZoom, attribution: tiles.attribution || '' }).addTo(map);
  }
  L.control.scale({ imperial: false }).addTo(map);
  return map;
}
