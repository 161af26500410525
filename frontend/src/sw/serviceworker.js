/* Larmkedjan's service worker, served at /serviceworker.js (scope /) through django-pwa.

   - Precache: the app shell (built scripts and style sheets, icons), by content hash.
   - Pages (/, /crew/, /console/, /login/, /responder/, /mobile/, /tib/): network first; without network the last copy, else
     the offline page. Pages carry no patient data (the data comes from the API).
   - API reads without patient data (/api/me/, units, regions, stations, the mobile care units
     and their profiles): network first with
     the cached answer as fallback, marked with X-Larmkedjan-Cached-At so the page can say how
     old it is. Patient data (assignments, cases, logs, a responder's alerts) is never cached
     here: the crew page keeps only the current assignment, in IndexedDB; the responder page
     keeps where to go in memory only. Nothing is cached from a non-GET request, an
     error, a redirect or an answer with Cache-Control: no-store.
   - Sign-out (POST /logout/) and the page's "wipe" message remove every runtime cache and the
     patient-data database.
   - Background Sync (Chromium) sends the outbox when the network is back, also with the app
     closed; elsewhere the page sends it itself.
   - Web Push: a notification from {title, body, url, tag}; a tap opens or focuses `url`.
   - Never touched: the caller's picture pages (/b/...), their script and style, the upload
     (/api/imaging/upload/) and every image (/api/imaging/...): no route matches them, so the
     browser fetches them itself and nothing of them is stored here. */

import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';
import { registerRoute } from 'workbox-routing';
import { NetworkFirst, StaleWhileRevalidate } from 'workbox-strategies';
import { clientsClaim } from 'workbox-core';
import { SYNC_TAG, flushOutbox } from '../js/outbox.js';
import { API_CACHE, PAGE_CACHE, getMeta, wipePatientData } from '../js/store.js';

/* global __PRECACHE_MANIFEST__ */
const OFFLINE_CACHE = 'shell-offline';
const OFFLINE_URL = '/offline/';
const PAGES = new Set(['/', '/crew/', '/console/', '/login/', '/responder/', '/mobile/', '/tib/']);
const OUTBOX_PAGES = new Set(['/crew/', '/responder/', '/mobile/']);
const API_READS = [/^\/api\/me\/$/, /^\/api\/units\/(\d+\/)?$/, /^\/api\/regions\/$/, /^\/api\/stations\/$/,
  /^\/api\/ivpa\/me\/$/, /^\/api\/referrals\/units\/(\d+\/profile\/)?$/];

self.skipWaiting();
clientsClaim();
cleanupOutdatedCaches();
precacheAndRoute(__PRECACHE_MANIFEST__, { ignoreURLParametersMatching: [/.*/] });

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(OFFLINE_CACHE)
    .then((cache) => cache.add(new Request(OFFLINE_URL, { credentials: 'omit' })))
    .catch(() => { /* the next start tries again */ }));
});

/** Only a complete, storable answer to a GET is kept. */
function storable(response) {
  if (!response || response.status !== 200 || response.type !== 'basic' || response.redirected) return false;
  return !/no-store/i.test(response.headers.get('Cache-Control') || '');
}

const onlyStorable = {
  cacheWillUpdate: async ({ response }) => (storable(response) ? response : null),
};

/** Mark a cached answer with the time it was fetched. */
const markCached = {
  cachedResponseWillBeUsed: async ({ cachedResponse }) => {
    if (!cachedResponse) return cachedResponse;
    const headers = new Headers(cachedResponse.headers);
    headers.set('X-Larmkedjan-Cached-At', cachedResponse.headers.get('Date') || '');
    return new Response(await cachedResponse.blob(), {
      status: cachedResponse.status, statusText: cachedResponse.statusText, headers,
    });
  },
};

const sameOrigin = (url) => url.origin === self.location.origin;

registerRoute(
  ({ request, url }) => request.mode === 'navigate' && sameOrigin(url) && PAGES.has(url.pathname),
  async (options) => {
    const strategy = new NetworkFirst({ cacheName: PAGE_CACHE, networkTimeoutSeconds: 8, plugins: [onlyStorable] });
    try {
      return await strategy.handle(options);
    } catch {
      // The copy kept by the page itself ('cache-page') was fetched with other request
      // headers than a navigation has: a page differs by user and language, not by those.
      const kept = await caches.match(options.url.pathname, { cacheName: PAGE_CACHE, ignoreVary: true, ignoreSearch: true });
      if (kept) return kept;
      const offline = await caches.match(OFFLINE_URL, { cacheName: OFFLINE_CACHE });
      return offline || Response.error();
    }
  },
);

registerRoute(
  ({ request, url }) => request.method === 'GET' && sameOrigin(url)
    && API_READS.some((re) => re.test(url.pathname)),
  new NetworkFirst({ cacheName: API_CACHE, networkTimeoutSeconds: 8, plugins: [onlyStorable, markCached] }),
);

const CALLER_ASSETS = '/static/frontend/build/caller.';

registerRoute(
  ({ request, url }) => request.method === 'GET' && sameOrigin(url) && url.pathname.startsWith('/static/')
    && !url.pathname.startsWith(CALLER_ASSETS),
  new StaleWhileRevalidate({ cacheName: 'static-runtime', plugins: [onlyStorable] }),
);

/* Sign-out seen on its way to the server: wipe, whatever the page managed to do. */
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method === 'POST' && sameOrigin(url) && url.pathname === '/logout/') {
    event.waitUntil(wipePatientData());
  }
});

self.addEventListener('message', (event) => {
  const data = event.data || {};
  const reply = (message) => event.ports?.[0]?.postMessage(message);
  if (data.type === 'wipe') {
    event.waitUntil(wipePatientData().then(() => reply({ ok: true }), () => reply({ ok: false })));
  } else if (data.type === 'claim') {
    // A page that loaded while this worker was activating missed clientsClaim(): take it now.
    event.waitUntil(self.clients.claim());
  } else if (data.type === 'cache-page' && PAGES.has(data.url)) {
    // A first visit not served through the worker: keep a copy for an offline start, unless
    // one is kept (a navigation through the worker keeps it fresh). The body is read whole
    // before it is stored: a put that streams a body which then fails takes the entry with it.
    event.waitUntil((async () => {
      const cache = await caches.open(PAGE_CACHE);
      if (await cache.match(data.url, { ignoreVary: true })) return;
      const response = await fetch(data.url, { credentials: 'same-origin', redirect: 'manual' });
      if (!storable(response)) return;
      const copy = new Response(await response.blob(), {
        status: response.status, statusText: response.statusText, headers: response.headers,
      });
      await cache.put(data.url, copy);
    })().catch(() => {}));
  }
});

/* ---------- Background Sync ---------- */

async function syncOutbox() {
  const windows = await self.clients.matchAll({ type: 'window' });
  const visible = windows.find((c) => c.visibilityState === 'visible' && OUTBOX_PAGES.has(new URL(c.url).pathname));
  if (visible) {
    visible.postMessage({ type: 'flush' }); // the page has the fresh CSRF token
    return;
  }
  const session = await getMeta('session');
  if (!session?.user) return;
  const result = await flushOutbox({
    user: session.user, csrf: session.csrf, strict403: true, signedOut: async () => true,
  });
  if (result.kept === 'network') throw new Error('still offline'); // the browser retries later
}

self.addEventListener('sync', (event) => {
  if (event.tag === SYNC_TAG) event.waitUntil(syncOutbox());
});

/* ---------- Web Push ---------- */

self.addEventListener('push', (event) => {
  let payload = {};
  try {
    payload = event.data ? event.data.json() : {};
  } catch {
    payload = { body: event.data ? event.data.text() : '' };
  }
  const title = payload.title || 'Larmkedjan';
  const options = {
    body: payload.body || '',
    tag: payload.tag || undefined,
    renotify: Boolean(payload.tag),
    requireInteraction: true,
    icon: '/static/frontend/icon-192.png',
    badge: '/static/frontend/icon-192.png',
    data: { url: payload.url || '/' },
  };
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url || '/', self.location.origin);
  if (target.origin !== self.location.origin) return; // only our own screens
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const same = windows.find((c) => new URL(c.url).pathname === target.pathname);
    if (same) {
      if (same.url !== target.href && same.navigate) await same.navigate(target.href).catch(() => {});
      return same.focus();
    }
    return self.clients.openWindow(target.href);
  })());
});
