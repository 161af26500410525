/* Sending the outbox: one change at a time, oldest first, each with its idempotency key and
   the time it was made, so that the server applies each exactly once and in order however often
   a send is retried. Used by the crew page and by the service worker (Background Sync); a Web
   Lock makes sure only one of them sends at a time, and a BroadcastChannel tells the others
   what happened.

   What an answer means:
   - 2xx (also a replay, `Idempotent-Replay: true`): sent; the change leaves the outbox.
   - no answer, 5xx, 429, or a session that ended: kept, tried again later.
   - any other 4xx: refused. The change stays in the outbox marked "refused" with the server's
     reason until the crew has seen it; later status changes of the same assignment were built
     on it and are marked refused too (not sent). */

import { changesFor, deleteChange, putChange } from './store.js';

export const CHANNEL = 'larmkedjan-outbox';
const LOCK = 'larmkedjan-outbox-send';

function withLock(fn) {
  if (globalThis.navigator?.locks?.request) {
    return navigator.locks.request(LOCK, { ifAvailable: true }, (lock) => (lock ? fn() : { busy: true }));
  }
  return fn();
}

let channel = null;
function broadcast(message) {
  try {
    channel ??= new BroadcastChannel(CHANNEL);
    channel.postMessage(message);
  } catch { /* not supported: the page polls its outbox anyway */ }
}

/**
 * Send the user's waiting changes.
 *   csrf: the CSRF token to send; signedOut(): whether the session has ended (on 401/403);
 *   strict403: keep on any 403 instead of asking (the worker, whose token may be stale);
 *   onSent(change, answer), onRefused(change, detail): called as it goes.
 * Answers {sent, refused, kept: null | reason, busy}.
 */
export function flushOutbox({ user, csrf, signedOut, strict403 = false, onSent, onRefused, dependsDetail }) {
  return withLock(async () => {
    const result = { sent: 0, refused: 0, kept: null };
    for (;;) {
      const waiting = (await changesFor(user)).filter((c) => c.state === 'waiting');
      if (!waiting.length) return result;
      const change = waiting[0];
      let response;
      try {
        response = await fetch(change.url, {
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
        });
      } catch {
        result.kept = 'network';
        return result;
      }
      let data = null;
      try { data = await response.json(); } catch { data = null; }
      if (response.ok) {
        await deleteChange(change.id);
        result.sent += 1;
        onSent?.(change, data);
        broadcast({ type: 'sent', id: change.id, change, answer: data });
        continue;
      }
      const { status } = response;
      if (status >= 500 || status === 429 || status === 408 || status === 401
          || (status === 403 && (strict403 || await signedOut()))) {
        result.kept = String(status);
        return result;
      }
      const detail = (data && typeof data.detail === 'string' && data.detail) || `HTTP ${status}`;
      const refused = { ...change, state: 'refused', httpStatus: status, detail, refusedAt: new Date().toISOString() };
      await putChange(refused);
      result.refused += 1;
      onRefused?.(refused, detail);
      broadcast({ type: 'refused', id: change.id, change: refused });
      if (change.kind !== 'position') {
        for (const later of waiting.slice(1)) {
          if (later.kind === 'position' || later.assignment !== change.assignment) continue;
          const skipped = { ...later, state: 'refused', httpStatus: 0, detail: dependsDetail || detail,
            refusedAt: refused.refusedAt };
          await putChange(skipped);
          broadcast({ type: 'refused', id: later.id, change: skipped });
        }
      }
    }
  });
}
