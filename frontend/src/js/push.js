/* Web Push on the page: subscribe this device after sign-in (crew, mobile care and responder
   screens), with the permission asked on a tap, and tell the server; unsubscribe at sign-out.

   The server's key comes with the page (<script id="push">{"key": "<base64url>" | null}</script>,
   frontend.views.page_context), not from GET /api/push/vapid-public-key/: a server without push
   says so there (null), and the page asks nothing (no failed request in its console).
   Server API (the push app): POST /api/push/subscriptions/ {endpoint, keys, expirationTime,
   device_id}, DELETE /api/push/subscriptions/<device_id>/. Where the server has no push, or the
   browser none, the page carries on without it, quietly. */

import { cookie } from './common.js';

const DEVICE_KEY = 'larmkedjan.device';

export function deviceId() {
  let id = null;
  try { id = localStorage.getItem(DEVICE_KEY); } catch { /* private mode */ }
  if (!id) {
    id = globalThis.crypto?.randomUUID ? crypto.randomUUID()
      : [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
    try { localStorage.setItem(DEVICE_KEY, id); } catch { /* private mode */ }
  }
  return id;
}

const supported = () => 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

function keyBytes(base64url) {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** The server's key from the page's data; null: this server has no push (or the page none). */
function pageVapidKey() {
  try {
    const key = JSON.parse(document.getElementById('push')?.textContent || 'null')?.key;
    return typeof key === 'string' && key ? key : null;
  } catch {
    return null;
  }
}

async function send(method, path, body) {
  try {
    const r = await fetch(path, {
      method, credentials: 'same-origin', cache: 'no-store',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'X-CSRFToken': cookie('csrftoken') },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return r.ok;
  } catch {
    return false;
  }
}

async function subscribe(registration, key) {
  let sub = await registration.pushManager.getSubscription();
  const wanted = keyBytes(key);
  if (sub?.options?.applicationServerKey) {
    const have = new Uint8Array(sub.options.applicationServerKey);
    if (have.length !== wanted.length || have.some((b, i) => b !== wanted[i])) {
      await sub.unsubscribe(); // the server's key changed
      sub = null;
    }
  }
  sub ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: wanted });
  return send('POST', '/api/push/subscriptions/', { ...sub.toJSON(), device_id: deviceId() });
}

/**
 * Offer alerts with the app closed. `button` is shown only while the permission is still to be
 * asked (a browser asks only on a user gesture); once granted, the device subscribes by itself.
 * `registration` is a promise of the service worker registration; `key` the server's VAPID
 * public key (default: the page's), null when the server has no push.
 */
export async function setupPush({ button, registration, key = pageVapidKey(), onState = () => {} }) {
  if (button) button.hidden = true;
  if (!supported() || Notification.permission === 'denied') return onState('unsupported');
  if (!key) return onState('unavailable');
  const reg = await registration;
  if (!reg) return onState('unavailable');
  if (Notification.permission === 'granted') {
    try { onState((await subscribe(reg, key)) ? 'on' : 'failed'); } catch { onState('failed'); }
    return;
  }
  if (!button) return onState('ask');
  button.hidden = false;
  onState('ask');
  button.addEventListener('click', async () => {
    const answer = await Notification.requestPermission();
    if (answer !== 'granted') {
      button.hidden = answer === 'denied';
      return onState(answer);
    }
    button.hidden = true;
    try { onState((await subscribe(reg, key)) ? 'on' : 'failed'); } catch { onState('failed'); }
  }, { once: false });
}

/** At sign-out: the server forgets this device, and the browser its subscription. */
export async function unsubscribePush() {
  if (!supported()) return;
  const reg = await navigator.serviceWorker.getRegistration('/');
  const sub = await reg?.pushManager.getSubscription();
  if (!sub) return;
  await send('DELETE', `/api/push/subscriptions/${encodeURIComponent(deviceId())}/`);
  await sub.unsubscribe().catch(() => {});
}
