/* Helpers shared by the console and the crew tablet: translated strings, API calls with the
   CSRF token, notices, times, the offline banner. */

import { table } from './tables.js';
import { clockFormat, elapsedFormats } from './time.js';

const STRINGS = JSON.parse(document.getElementById('i18n')?.textContent || '{}');
const LANG = document.documentElement.lang || 'sv';

/** A translated string by dotted key, with {name} placeholders filled from params. */
export function t(key, params) {
  let text = key.split('.').reduce((node, part) => (node == null ? undefined : node[part]), STRINGS);
  if (text && typeof text.other === 'string') text = pluralForm(text, params?.n);
  if (typeof text !== 'string') text = key;
  if (params) text = text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
  return text;
}

/** A count string's form for n in the page's language ({one, other}: frontend.strings.common.plural):
    "Skickar 1 ändring", "Skickar 2 ändringar". */
function pluralForm(forms, n) {
  let form = 'other';
  try {
    form = new Intl.PluralRules(LANG).select(Number(n));
  } catch { /* an unknown language: the general form */ }
  return forms[form] ?? forms.other;
}

/** A priority as a short word: "1A" as it is, "referral" as "Hänvisning" (never the code). */
export const priorityShort = (p) => (t(`priority_short.${p}`) === `priority_short.${p}` ? p : t(`priority_short.${p}`));

export const statusLabel = (status) => t(`status.${status}`) === `status.${status}` ? status : t(`status.${status}`);
export const kindLabel = (kind) => t(`kind.${kind}`) === `kind.${kind}` ? kind : t(`kind.${kind}`);

/**
 * Put node into parent before `before` (null: last), unless it is already there. Moving a node
 * out of the document and back takes the focus from whatever inside it had it (a reason being
 * typed, a button armed for its second click), so the move keeps the focus: with moveBefore
 * where the browser has it, else by giving the focus back.
 */
export function place(parent, node, before = null) {
  if (node.parentNode === parent && node.nextSibling === before) return;
  const active = node.contains(document.activeElement) ? document.activeElement : null;
  if (active && node.isConnected && parent.isConnected && typeof parent.moveBefore === 'function') {
    try {
      parent.moveBefore(node, before);
      return;
    } catch { /* not movable with its state here: an ordinary move below */ }
  }
  parent.insertBefore(node, before);
  if (active && active.isConnected && document.activeElement !== active) active.focus({ preventScroll: true });
}

/** Put the nodes into parent in this order, moving only those out of place. */
export function placeInOrder(parent, nodes) {
  let want = parent.firstChild;
  for (const node of nodes) {
    if (node !== want) place(parent, node, want);
    want = node.nextSibling;
  }
}

/** Build an element; children are nodes or text (never parsed as HTML). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value == null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else if (value === true) node.setAttribute(name, '');
    else node.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Build an SVG element (a chart's line, bar or label) as el() builds HTML: attributes set as
    they are, children nodes or text, never parsed. */
export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value == null || value === false) continue;
    if (name === 'class') node.setAttribute('class', value);
    else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export class ApiError extends Error {
  constructor(status, detail, body) {
    super(detail);
    this.status = status;
    this.detail = detail;
    this.body = body;
  }
}

export function cookie(name) {
  const hit = document.cookie.split(';').map((c) => c.trim()).find((c) => c.startsWith(name + '='));
  return hit ? decodeURIComponent(hit.slice(name.length + 1)) : '';
}

/** Whether the session has ended: the page itself then redirects to sign-in. A 403 from the
    API alone does not tell, as the API also answers 403 to a refused action. */
export async function signedOut() {
  try {
    const r = await fetch(location.pathname, { redirect: 'manual', credentials: 'same-origin' });
    return r.type === 'opaqueredirect';
  } catch {
    return false; // offline: the next request tells
  }
}

let signingOut = false;

/** The sign-out form is on its way: the socket's close (4401) must not navigate as well. */
export function markSigningOut() { signingOut = true; }

export async function redirectIfSignedOut() {
  if (signingOut) return;
  if (await signedOut()) location.assign('/login/?next=' + encodeURIComponent(location.pathname));
}

/** Call the API; a refusal throws ApiError with the server's `detail` (status 0: no network).
    `signal` (an AbortController's) cancels a request no longer wanted: it then rejects with
    the AbortError, and the page is not taken for offline. */
export async function api(path, { method = 'GET', body, signal } = {}) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    headers['X-CSRFToken'] = cookie('csrftoken');
  }
  let response;
  try {
    response = await fetch(path, {
      method, headers, credentials: 'same-origin', cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body), signal,
    });
  } catch (err) {
    if (err?.name === 'AbortError') throw err;
    setOffline(true);
    throw new ApiError(0, t('error.network'), null);
  }
  // An answer the service worker took from its cache (no network): say how old it is.
  const cachedAt = response.headers.get('X-Larmkedjan-Cached-At');
  if (cachedAt !== null) setOffline(true);
  else if (response.status < 500) noteUpdate();
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!response.ok) {
    if (response.status === 401 || response.status === 403) await redirectIfSignedOut();
    const detail = (data && typeof data.detail === 'string' && data.detail)
      || t('error.http', { status: response.status });
    throw new ApiError(response.status, detail, data);
  }
  // A cached answer's Date is old: only a fresh one tells the server's clock.
  if (cachedAt === null) noteServerTime(response.headers.get('Date'));
  return data;
}

/* Server clock offset, so the times a device sends agree with the server's even when the
   tablet's clock is off. Events give the best sample (microseconds); the Date header a rough one. */
let clockOffset = 0;
let offsetFromEvents = false;
function noteServerTime(header) {
  if (offsetFromEvents || !header) return;
  const server = Date.parse(header);
  if (!Number.isNaN(server) && Math.abs(server - Date.now()) > 2000) clockOffset = server - Date.now();
}
export function noteEventTime(iso) {
  const server = Date.parse(iso);
  if (Number.isNaN(server)) return;
  offsetFromEvents = true;
  clockOffset = server - Date.now();
}
export const serverNow = () => new Date(Date.now() + clockOffset);

export function uuid() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Clock times and how long ago, in the page's language on the server's clock (time.js). The
    elapsed formatters are made when first used: a page that shows none (the offline banner
    shows only a clock time) then carries no time strings. */
export const fmtTime = /* @__PURE__ */ clockFormat();
let elapsed;
const elapsedNow = () => (elapsed ??= elapsedFormats({ t, now: serverNow, fmtTime }));
export const fmtElapsed = (iso) => elapsedNow().fmtElapsed(iso);
export const since = (iso) => elapsedNow().since(iso);

/* Notices over the map: the newest first, NOTICES_SHOWN of them open, the older ones folded
   behind "N äldre meddelanden" (a click shows them); the same message again is one notice with
   its count ("×3"), not a stack. At most NOTICES_KEPT are kept. */
const NOTICES_SHOWN = 2;
const NOTICES_KEPT = 8;

function foldNotices(box) {
  const items = [...box.querySelectorAll(':scope > .notice')];
  const open = box.classList.contains('is-open');
  items.forEach((node, i) => { node.hidden = !open && i >= NOTICES_SHOWN; });
  const folded = items.length - NOTICES_SHOWN;
  let more = box.querySelector(':scope > .notices-more');
  if (folded <= 0) {
    more?.remove();
    box.classList.remove('is-open');
    return;
  }
  if (!more) {
    more = el('button', {
      type: 'button', class: 'notices-more',
      onclick: () => { box.classList.toggle('is-open'); foldNotices(box); },
    });
    box.append(more);
  }
  more.setAttribute('aria-expanded', String(open));
  more.textContent = open ? t('notices.fewer') : t('notices.older', { n: folded });
}

/** Show a message at the top right; errors stay until closed or 15 s. */
export function notify(message, kind = 'info', { timeout } = {}) {
  const box = document.getElementById('notices');
  if (!box) return;
  let count = 1;
  for (const old of box.querySelectorAll(':scope > .notice')) {
    if (old.dataset.message === String(message) && old.dataset.kind === kind) {
      count += Number(old.dataset.count || 1);
      old.remove();
    }
  }
  const gone = () => { item.remove(); foldNotices(box); };
  const item = el('div', {
    class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status',
    dataset: { message: String(message), kind, count: String(count) },
  },
  el('p', {}, message, count > 1 ? el('span', { class: 'notice-count' }, ` ×${count}`) : null),
  el('button', { type: 'button', 'aria-label': t('close'), onclick: gone }, '×'));
  box.prepend(item);
  const items = box.querySelectorAll(':scope > .notice');
  for (let i = NOTICES_KEPT; i < items.length; i += 1) items[i].remove();
  foldNotices(box);
  const ms = timeout ?? (kind === 'error' ? 15000 : 6000);
  if (ms) setTimeout(() => { if (item.isConnected) gone(); }, ms);
  return item;
}

export function showConnection(state) {
  const node = document.getElementById('conn');
  if (!node) return;
  node.dataset.state = state;
  node.textContent = t(`conn.${state}`);
}

/* Assignment statuses as the server's status machine has them (dispatch.statemachine, handed
   over by the page: frontend/tables.py): their ranks (statuses only move forward, so a higher
   rank is newer) and the active ones. Read when asked, so a page that never asks needs no
   table. */
const assignmentTable = () => table('assignment') || { rank: {}, active: [] };

/** The active statuses: ACTIVE.has(status). */
export const ACTIVE = { has: (status) => assignmentTable().active.includes(status) };

/** Merge two views of one assignment that may arrive out of order (event, fetch, answer). */
export function mergeAssignment(old, incoming) {
  if (!old) return incoming;
  const { rank } = assignmentTable();
  const a = rank[old.status] ?? 0;
  const b = rank[incoming.status] ?? 0;
  if (b > a) return { ...old, ...incoming };
  if (b < a) return old;
  const merged = { ...old, ...incoming };
  if ((old.resend_count ?? 0) > (incoming.resend_count ?? 0)) {
    merged.resend_count = old.resend_count;
    merged.ack_overdue = old.ack_overdue || incoming.ack_overdue;
  }
  merged.status_overdue = Boolean(old.status_overdue || incoming.status_overdue);
  if (stagingNewer(old.staging, incoming.staging)) {
    // An older view crossing the staging point's order or release keeps neither back.
    merged.staging = old.staging;
    merged.next_step = old.next_step;
  }
  return merged;
}

/** Whether staging point a is newer than b: ordered beats none, a release beats none (a
    release is never undone), and a moved point beats the one it replaced. */
function stagingNewer(a, b) {
  if (!a) return false;
  if (!b) return true;
  if (a.released_at && !b.released_at) return true;
  return !b.released_at && String(a.ordered_at) > String(b.ordered_at);
}

/** Until when each keyed two-step button stays armed: a screen that draws its list again
    between the two taps (an event arrived) gives the new button the armed state. */
const armedUntil = new Map();

function armedShow(button, label, armed) {
  button.textContent = armed ? button.dataset.confirmLabel : label;
  button.classList.toggle('is-armed', armed);
}

/**
 * A button that asks for a second tap before it acts (no blocking confirm dialogs). `key` names
 * what the button acts on (e.g. `cancel:<assignment id>`): a button drawn again with the same
 * key within `ms` of the first tap is still armed, so a redraw between the taps loses nothing.
 */
export function twoStep(button, confirmLabel, action, { ms = 4000, key = '' } = {}) {
  const label = button.textContent;
  button.dataset.confirmLabel = confirmLabel;
  let timer = null;
  const disarm = () => {
    clearTimeout(timer);
    timer = null;
    if (key) armedUntil.delete(key);
    armedShow(button, label, false);
  };
  const arm = (until) => {
    if (key) armedUntil.set(key, until);
    armedShow(button, label, true);
    timer = setTimeout(disarm, Math.max(0, until - Date.now()));
  };
  if (key && (armedUntil.get(key) || 0) > Date.now()) arm(armedUntil.get(key));
  button.addEventListener('click', async () => {
    if (!timer) {
      arm(Date.now() + ms);
      return;
    }
    disarm();
    await action();
  });
}

/* ---------- the offline banner ---------- */

const LAST_UPDATE_KEY = 'larmkedjan.lastUpdate';
let offline = typeof navigator !== 'undefined' && navigator.onLine === false;
let lastUpdate = null;
try { lastUpdate = localStorage.getItem(LAST_UPDATE_KEY); } catch { /* private mode */ }

/** The server answered now: the data on screen is current. */
export function noteUpdate(iso = new Date().toISOString()) {
  lastUpdate = iso;
  try { localStorage.setItem(LAST_UPDATE_KEY, iso); } catch { /* private mode */ }
  setOffline(false);
}

export const isOffline = () => offline;

/** Show or hide the banner that says the screen shows data as of the last update. */
export function setOffline(flag) {
  offline = Boolean(flag);
  renderOffline();
}

function renderOffline() {
  const node = document.getElementById('offline');
  if (!node) return;
  node.hidden = !offline;
  document.body.classList.toggle('is-offline', offline);
  if (!offline) return;
  const when = lastUpdate ? new Date(lastUpdate) : null;
  const today = when && when.toDateString() === new Date().toDateString();
  const time = when ? `${today ? '' : `${when.toLocaleDateString(LANG)} `}${fmtTime(lastUpdate, true)}` : '';
  node.querySelector('.offline-title').textContent = t('offline.title');
  node.querySelector('.offline-time').textContent = when ? t('offline.since', { time }) : t('offline.never');
  node.querySelector('.offline-time').dataset.at = lastUpdate || '';
}

if (typeof window !== 'undefined') {
  addEventListener('offline', () => setOffline(true));
  addEventListener('online', () => setOffline(false));
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', renderOffline);
  else renderOffline();
}
