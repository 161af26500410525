/* The outbox: changes made on a field screen (a status tap, a position, an answer) wait in
   IndexedDB (store.js) and are sent one at a time, oldest first, each with its idempotency key
   and the time it was made, so that the server applies each exactly once and in order however
   often a send is retried. A dead zone delays a change, never loses or doubles it.

   Two parts:
   - flushOutbox(): one round of sending, used by the pages and by the service worker
     (Background Sync, SYNC_TAG). A Web Lock makes sure only one of them sends at a time, and a
     BroadcastChannel (CHANNEL) tells the others what happened.
   - Outbox: a page's client (crew tablet, mobile care unit, responder phone): queues a change,
     sends it at once and again on every chance (back online, shown again, every 10 s, the
     worker's Background Sync, another tab's send), backs off while the server cannot be
     reached, and tells the screen what was sent and what was refused.

   What an answer means:
   - 2xx (also a replay, `Idempotent-Replay: true`): sent; the change leaves the outbox.
   - no answer, 5xx, 408, 429, or a session that ended: kept, tried again later. A change
     marked `independent` (a crew's destination) answered with 5xx, 408 or 429 is kept for
     the next round while the changes after it go on: it never holds a status back.
   - any other 4xx: refused. The change stays in the outbox marked "refused" with the server's
     reason until the user has seen it; later changes of the same assignment were built on it
     and are marked refused too (not sent). Positions, and changes marked `independent` (a
     crew's destination), are never built on and build on nothing.
   A change marked `priority` (the panic alarm and its cancel) is sent before all others,
   oldest first among themselves, and a change the server cannot take now (5xx, 429, 408)
   holds the rest of the round back but never a priority change: the alarm waits behind
   nothing. The other changes keep their order. */

import * as idbStore from './store.js';

/** The BroadcastChannel on which a sender tells the other pages what it sent or was refused. */
export const CHANNEL = 'larmkedjan-outbox';
/** The Background Sync tag: the page registers it, the service worker sends on it. */
export const SYNC_TAG = 'larmkedjan-outbox';
const LOCK = 'larmkedjan-outbox-send';
const FLUSH_EVERY_MS = 10000;
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 30000;
const BUSY_RETRY_MS = 1000;

function withLock(locks, fn) {
  if (locks?.request) {
    return locks.request(LOCK, { ifAvailable: true }, (lock) => (lock ? fn() : { busy: true }));
  }
  return fn();
}

// One channel object per page (or worker) for sending and hearing: a BroadcastChannel never
// hears its own messages, so a page is not told twice what it sent itself.
let channel = null;
function outboxChannel() {
  channel ??= new BroadcastChannel(CHANNEL);
  return channel;
}

function broadcastChange(message) {
  try {
    outboxChannel().postMessage(message);
  } catch { /* not supported: the pages poll their outbox anyway */ }
}

const send = (url, init) => globalThis.fetch(url, init);

/** The request that sends one change (its idempotency key in a header). */
function request(change, csrf) {
  return {
    method: 'POST',
    credentials: 'same-origin',
    cache: 'no-store',
    headers: {
      Accept: 'application/json',
      'Content-Type': 'application/json',
      'X-CSRFToken': typeof csrf === 'function' ? csrf() : csrf,
      'Idempotency-Key': change.key,
    },
    body: JSON.stringify(change.body),
  };
}

/**
 * Send the user's waiting changes, oldest first, until none is left or one has to wait.
 *   csrf: the CSRF token to send (or a function giving it); signedOut(): whether the session
 *   has ended (asked on a 403); strict403: keep on any 403 without asking (the worker, whose
 *   token may be stale); onSent(change, answer), onRefused(change, detail): called as it goes;
 *   dependsDetail: the reason given to the later changes a refusal takes with it.
 *   store, fetch, locks, broadcast: where the changes are kept and how they are sent (IndexedDB,
 *   the network, Web Locks, the BroadcastChannel), replaceable for tests.
 * Answers {sent, refused, kept: null | reason}, or {busy: true} while another sender has the lock.
 */
export function flushOutbox({
  user, csrf, signedOut, strict403 = false, onSent, onRefused, dependsDetail,
  store = idbStore, fetch = send, locks = globalThis.navigator?.locks, broadcast = broadcastChange,
}) {
  return withLock(locks, async () => {
    const result = { sent: 0, refused: 0, kept: null };
    // Independent changes the server could not take this round: they wait for the next round
    // and hold back none of the changes queued after them.
    const later = new Set();
    // A change the server could not take this round holds the others back, not a priority one.
    let held = false;
    for (;;) {
      const waiting = (await store.changesFor(user))
        .filter((c) => c.state === 'waiting' && !later.has(c.id) && (!held || c.priority));
      if (!waiting.length) return result;
      const change = waiting.find((c) => c.priority) ?? waiting[0];
      let response;
      try {
        response = await fetch(change.url, request(change, csrf));
      } catch {
        result.kept = 'network';
        return result;
      }
      let data = null;
      try { data = await response.json(); } catch { data = null; }
      if (response.ok) {
        await store.deleteChange(change.id);
        result.sent += 1;
        onSent?.(change, data);
        broadcast({ type: 'sent', id: change.id, change, answer: data });
        continue;
      }
      const { status } = response;
      if (status >= 500 || status === 429 || status === 408 || status === 401
          || (status === 403 && (strict403 || await signedOut()))) {
        result.kept = String(status);
        if (status >= 500 || status === 429 || status === 408) {
          if (change.independent || change.priority) later.add(change.id);
          else held = true;
          continue;
        }
        return result;
      }
      const detail = (data && typeof data.detail === 'string' && data.detail) || `HTTP ${status}`;
      const refused = { ...change, state: 'refused', httpStatus: status, detail, refusedAt: new Date().toISOString() };
      await store.putChange(refused);
      result.refused += 1;
      onRefused?.(refused, detail);
      broadcast({ type: 'refused', id: change.id, change: refused });
      if (change.kind !== 'position' && !change.independent) {
        for (const later of waiting.slice(waiting.indexOf(change) + 1)) {
          if (later.kind === 'position' || later.independent || later.assignment !== change.assignment) continue;
          const skipped = { ...later, state: 'refused', httpStatus: 0, detail: dependsDetail || detail,
            refusedAt: refused.refusedAt };
          await store.putChange(skipped);
          broadcast({ type: 'refused', id: later.id, change: skipped });
        }
      }
    }
  });
}

/**
 * A page's outbox: what it shows, and sending it.
 *
 *   user: whose changes; csrf(): the CSRF token; signedOut(): whether the session has ended;
 *   registration: a promise of the service worker registration (for Background Sync).
 *   mine(change): which of the user's changes this screen shows and hears about (all of them
 *     by default).
 *   onChange(list): the screen's changes (oldest first) were read again: redraw.
 *   onSending(sending): a round of sending starts (true) or ends (false).
 *   onSent(change, answer) / onRefused(change, detail): a change of this screen was sent, or
 *     refused (here or by another tab or the worker).
 *   dependsDetail: the reason shown on a change not sent because an earlier one was refused.
 *   keepRefused: a refused change stays listed until the user dismisses it (the crew's status,
 *     a referral answer); false: it is reported once through onRefused and deleted (a
 *     responder's answer: the screen then shows what the server holds).
 *   sendDirectly: where IndexedDB cannot be used (private mode), a change is sent at once with
 *     its key instead of being queued; any answer but a 2xx, or none, is then a refusal with the
 *     reason detailFor(status) gives (status 0: no network).
 *   store, fetch, locks, broadcast: as for flushOutbox (tests replace them).
 */
export class Outbox {
  constructor({
    user, csrf, signedOut, registration = Promise.resolve(null), mine = () => true,
    onChange, onSending, onSent, onRefused, dependsDetail, keepRefused = true,
    sendDirectly = false, detailFor = (status) => (status ? `HTTP ${status}` : 'network'),
    store = idbStore, fetch = send, locks = globalThis.navigator?.locks, broadcast = broadcastChange,
  }) {
    Object.assign(this, {
      user, csrf, signedOut, registration, mine, dependsDetail, keepRefused, sendDirectly, detailFor,
      store, fetch, locks, broadcast,
    });
    this.onChange = onChange || (() => {});
    this.onSending = onSending || (() => {});
    this.onSent = onSent || (() => {});
    this.onRefused = onRefused || (() => {});
    this.list = []; // this screen's changes, oldest first
    this.flushing = false;
    this.retryTimer = null;
    this.retryDelay = RETRY_FIRST_MS;
  }

  /** Whether a change of this screen waits to be sent. */
  get waiting() {
    return this.list.some((c) => c.state === 'waiting');
  }

  /** Read the screen's changes again (a refusal not to be kept is deleted here). */
  async refresh() {
    let list;
    try {
      list = (await this.store.changesFor(this.user)).filter((c) => this.mine(c));
    } catch {
      list = [];
    }
    if (!this.keepRefused) {
      for (const c of list) if (c.state !== 'waiting') this.store.deleteChange(c.id).catch(() => {});
      list = list.filter((c) => c.state === 'waiting');
    }
    this.list = list;
    this.onChange(list);
    return list;
  }

  /** Queue a change ({key, kind, url, body, assignment, ...}: the key is its idempotency key)
      and start sending. */
  async queue(change) {
    // A priority change queued while a round ends is sent at once, not after the back-off.
    if (change.priority) {
      this.retryDelay = RETRY_FIRST_MS;
      if (this.flushing) this.again = true;
    }
    const queued = { user: this.user, ...change, body: { ...change.body } };
    try {
      await this.store.addChange(queued);
    } catch (err) {
      if (!this.sendDirectly) throw err;
      this.sendDirect(queued);
      return;
    }
    await this.refresh();
    this.registration.then((reg) => reg?.sync?.register(SYNC_TAG)).catch(() => { /* no Background Sync */ });
    this.flush();
  }

  /** Without an outbox: one try, now. */
  async sendDirect(change) {
    let response;
    try {
      response = await this.fetch(change.url, request(change, this.csrf));
    } catch {
      this.onRefused(change, this.detailFor(0));
      return;
    }
    const data = await response.json().catch(() => null);
    if (response.ok) this.onSent(change, data);
    else this.onRefused(change, data?.detail || this.detailFor(response.status));
  }

  /** The user has seen a refused change: it leaves the list. */
  async dismiss(change) {
    await this.store.deleteChange(change.id);
    return this.refresh();
  }

  /** Send what waits; while the server cannot be reached, try again later, waiting twice as
      long each time (up to 30 s); while another tab or the worker sends, look again in 1 s. */
  async flush() {
    if (this.flushing || !this.user) return;
    this.flushing = true;
    clearTimeout(this.retryTimer);
    try {
      await this.refresh();
      if (!this.waiting) return;
      this.onSending(true);
      this.store.setMeta('session', { user: this.user, csrf: this.csrf() }).catch(() => {});
      const result = await flushOutbox({
        user: this.user, csrf: this.csrf, signedOut: this.signedOut, dependsDetail: this.dependsDetail,
        onSent: (change, answer) => { if (this.mine(change)) this.onSent(change, answer); },
        onRefused: (change, detail) => { if (this.mine(change)) this.refused(change, detail); },
        store: this.store, fetch: this.fetch, locks: this.locks, broadcast: this.broadcast,
      });
      await this.refresh();
      if (result.busy) {
        this.retryTimer = setTimeout(() => this.flush(), BUSY_RETRY_MS);
      } else if (result.kept) {
        this.retryTimer = setTimeout(() => this.flush(), this.retryDelay);
        this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX_MS);
      } else {
        this.retryDelay = RETRY_FIRST_MS;
      }
    } finally {
      this.flushing = false;
      this.onSending(false);
      if (this.again) {
        this.again = false;
        this.flush();
      }
    }
  }

  async refused(change, detail) {
    if (!this.keepRefused) await this.store.deleteChange(change.id).catch(() => {}); // shown now
    this.onRefused(change, detail);
  }

  /** What another sender (a tab, the worker) says it did. */
  heard(message) {
    const { type, change, answer } = message || {};
    if (change && this.mine(change)) {
      if (type === 'sent') this.onSent(change, answer);
      else if (type === 'refused') this.onRefused(change, change.detail);
    }
    this.refresh();
  }

  /** Send on every chance: back online, the page shown again, every 10 s while something
      waits, the worker's Background Sync, and hear what other senders did. */
  start() {
    addEventListener('online', () => this.flush());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.flush();
    });
    setInterval(() => { if (this.waiting) this.flush(); }, FLUSH_EVERY_MS);
    navigator.serviceWorker?.addEventListener('message', (event) => {
      if (event.data?.type === 'flush') this.flush(); // Background Sync: the network is back
    });
    try {
      outboxChannel().addEventListener('message', (event) => this.heard(event.data));
    } catch { /* no BroadcastChannel */ }
  }
}
