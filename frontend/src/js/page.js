/* What every page does: register the service worker, the day/night theme toggle, and wiping
   patient data at sign-out. The sign-in page, which has no other script, loads this bundle;
   the crew and console bundles import it. */

import { markSigningOut } from './common.js';
import { wipePatientData } from './store.js';
import { unsubscribePush } from './push.js';

const THEME_KEY = 'larmkedjan.theme';
const CACHEABLE_PAGES = new Set(['/', '/crew/', '/console/', '/login/', '/responder/', '/mobile/', '/tib/']);

/** Pauses before registering again when the worker did not install (a precache fetch or the
    worker script failed on a poor network): otherwise the page would stay without offline
    support until the next navigation. */
const RETRY_S = [2, 5, 15, 30, 60];

/** True once the registration has an active worker; false if the one installing failed. */
function installed(registration) {
  return new Promise((resolve) => {
    if (registration.active) {
      resolve(true);
      return;
    }
    const worker = registration.installing || registration.waiting;
    if (!worker) {
      resolve(false);
      return;
    }
    worker.addEventListener('statechange', () => {
      if (worker.state === 'activating' || worker.state === 'activated') resolve(true);
      else if (worker.state === 'redundant') resolve(Boolean(registration.active));
    });
  });
}

/** Resolves once a worker controls this page. A page that loaded while the worker was
    activating can miss its clientsClaim() and would stay without offline support until the
    next navigation: the worker is asked to claim it again. */
function controlled(registration, timeoutMs = 10000) {
  if (navigator.serviceWorker.controller || !registration.active) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      navigator.serviceWorker.removeEventListener('controllerchange', done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    navigator.serviceWorker.addEventListener('controllerchange', done);
    if (navigator.serviceWorker.controller) done();
    else registration.active.postMessage({ type: 'claim' });
  });
}

/** The registration, once the worker is active and controls the page (null where there is
    none). */
export const swReady = (async () => {
  if (!('serviceWorker' in navigator)) return null;
  for (let attempt = 0; ; attempt += 1) {
    try {
      const registration = await navigator.serviceWorker.register('/serviceworker.js', { scope: '/' });
      if (await installed(registration)) break;
      console.warn('service worker did not install; trying again');
    } catch (err) {
      console.warn('service worker not registered', err);
    }
    if (attempt >= RETRY_S.length) return null;
    await new Promise((resolve) => { setTimeout(resolve, RETRY_S[attempt] * 1000); });
  }
  const registration = await navigator.serviceWorker.ready;
  if (CACHEABLE_PAGES.has(location.pathname)) {
    // A first visit did not go through the worker, even when the worker claimed the page
    // while it loaded: have the worker keep a copy of the page unless it has one.
    registration.active?.postMessage({ type: 'cache-page', url: location.pathname });
  }
  await controlled(registration);
  return registration;
})();

/* ---------- day and night ---------- */

function currentTheme() {
  return document.documentElement.dataset.theme === 'night' ? 'night' : 'day';
}

function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  const night = theme === 'night';
  for (const button of document.querySelectorAll('.theme-toggle')) {
    button.setAttribute('aria-pressed', String(night));
  }
  const meta = document.querySelector('meta[name="theme-color"]');
  if (meta) meta.content = night ? '#000000' : '#0b3d91';
}

for (const button of document.querySelectorAll('.theme-toggle')) {
  button.addEventListener('click', () => {
    const next = currentTheme() === 'night' ? 'day' : 'night';
    try { localStorage.setItem(THEME_KEY, next); } catch { /* private mode */ }
    applyTheme(next);
  });
}
applyTheme(currentTheme());

/* ---------- sign-out: no patient data stays behind ---------- */

/** Remove patient data from this device (caches and IndexedDB), also through the worker. */
export async function wipeDevice() {
  const jobs = [wipePatientData().catch(() => {})];
  const worker = navigator.serviceWorker?.controller;
  if (worker) {
    jobs.push(new Promise((resolve) => {
      const { port1, port2 } = new MessageChannel();
      port1.onmessage = () => resolve();
      worker.postMessage({ type: 'wipe' }, [port2]);
      setTimeout(resolve, 2000);
    }));
  }
  await Promise.all(jobs);
}

for (const form of document.querySelectorAll('form.signout')) {
  form.addEventListener('submit', async (event) => {
    if (form.dataset.wiped) return;
    event.preventDefault();
    markSigningOut();
    form.querySelector('button')?.setAttribute('disabled', '');
    await Promise.race([
      Promise.all([unsubscribePush().catch(() => {}), wipeDevice()]),
      new Promise((resolve) => setTimeout(resolve, 4000)),
    ]);
    form.dataset.wiped = '1';
    form.submit();
  });
}

// The sign-in page means no session: whatever a previous session left (a session that timed
// out, a browser closed without signing out) goes now. Changes not yet sent stay in the outbox.
// Signing in waits for it: a wipe still running would delete the copy of the next screen that
// the worker keeps for an offline start.
if (document.body.classList.contains('page-login')) {
  const wiped = wipeDevice();
  const form = document.getElementById('sign-in-form'); // not the volunteer's registration
  form?.addEventListener('submit', async (event) => {
    if (form.dataset.wiped) return;
    event.preventDefault();
    await Promise.race([wiped, new Promise((resolve) => setTimeout(resolve, 4000))]);
    form.dataset.wiped = '1';
    form.submit();
  });
}
