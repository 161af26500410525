/* "Navigera": the link that opens the device's own map app with the way to a place. Android
   opens whichever map app handles geo: (Google Maps, OsmAnd, Waze...), iPhone and iPad Apple
   Maps (maps:), anything else the centre's web template (settings.NAVIGATION_URL, on the page
   as #navigation-url; OpenStreetMap's directions by default). Pure functions, no DOM: tested
   by tests/js/navigation.test.mjs. */

export const DEFAULT_TEMPLATE = 'https://www.openstreetmap.org/directions?to={lat},{lon}';

/** 'android', 'ios' (iPhone, and iPad: iPadOS says it is a Mac, but a Mac has no touch
    screen) or 'other', from a navigator ({userAgent, platform, maxTouchPoints}). */
export function devicePlatform(nav) {
  const agent = String(nav?.userAgent || '');
  if (/android/i.test(agent)) return 'android';
  if (/iphone|ipad|ipod/i.test(agent)) return 'ios';
  if ((nav?.platform === 'MacIntel' || /macintosh/i.test(agent)) && (nav?.maxTouchPoints || 0) > 1) return 'ios';
  return 'other';
}

const coordinate = (n) => String(Math.round(Number(n) * 1e6) / 1e6);

/** The link to navigate to (latitude, longitude), named `label` where the app shows a name;
    mode 'drive' (the crew) or 'walk' (a volunteer); template: the web link for 'other', with
    {lat}, {lon} and {label}. null without a usable position. */
export function navigationUrl({ latitude, longitude, label = '', platform = 'other', mode = 'drive', template = '' }) {
  const lat = Number(latitude);
  const lon = Number(longitude);
  if (latitude == null || longitude == null || !Number.isFinite(lat) || !Number.isFinite(lon)
      || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  const at = `${coordinate(lat)},${coordinate(lon)}`;
  // geo: has no way to quote ( ) in the name: they are left out.
  const name = encodeURIComponent(String(label).replace(/[()]/g, ' ').replace(/\s+/g, ' ').trim());
  if (platform === 'android') return `geo:${at}?q=${at}${name ? `(${name})` : ''}`;
  if (platform === 'ios') return `maps://?daddr=${at}&dirflg=${mode === 'walk' ? 'w' : 'd'}`;
  return (template || DEFAULT_TEMPLATE)
    .replaceAll('{lat}', coordinate(lat)).replaceAll('{lon}', coordinate(lon))
    .replaceAll('{label}', name);
}

/** Whether a link opens in a new tab (a web page) or hands over to an app (geo:, maps:). */
export const opensWebPage = (url) => /^https?:/i.test(url || '');
