// The outbox (frontend/src/js/outbox.js): changes are sent one at a time in the order made,
// kept while the server cannot take them, and a refusal takes the later changes of the same
// assignment with it (never positions). The store (IndexedDB), the network, Web Locks and the
// BroadcastChannel are replaced by stand-ins in memory.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CHANNEL, Outbox, SYNC_TAG, flushOutbox } from '../../frontend/src/js/outbox.js';

const USER = 'sara';

/** The outbox database in memory: the same calls as store.js. */
function memoryStore({ failAdd = false } = {}) {
  const rows = new Map();
  const meta = new Map();
  let next = 1;
  return {
    rows,
    meta,
    async addChange(change) {
      if (failAdd) throw new Error('no IndexedDB (private mode)');
      const id = next++;
      rows.set(id, { state: 'waiting', createdAt: new Date().toISOString(), ...structuredClone(change), id });
      return id;
    },
    async changesFor(user) {
      return [...rows.values()].filter((c) => c.user === user).sort((a, b) => a.id - b.id)
        .map((c) => structuredClone(c));
    },
    async putChange(change) { rows.set(change.id, structuredClone(change)); },
    async deleteChange(id) { rows.delete(id); },
    async setMeta(key, value) { meta.set(key, value); },
  };
}

/** A server that answers each request with what `answer(request)` says: a status and body,
    `'network'` (no answer at all), or {status, body, headers}. Keeps every request. */
function server(answer = () => 200) {
  const requests = [];
  const fetch = async (url, init) => {
    const request = { url, ...init, json: JSON.parse(init.body) };
    requests.push(request);
    let reply = answer(request, requests.length);
    if (reply === 'network') throw new TypeError('Failed to fetch');
    if (typeof reply === 'number') reply = { status: reply };
    const { status, body = { id: request.json.id ?? null }, headers = {} } = reply;
    return new Response(body === null ? '' : JSON.stringify(body), { status, headers });
  };
  return { fetch, requests, urls: () => requests.map((r) => r.url) };
}

async function queueAll(store, changes) {
  for (const change of changes) await store.addChange({ user: USER, ...change });
}

const status = (assignment, target, key) => ({
  key, kind: 'status', status: target, assignment, url: `/api/assignments/${assignment}/status/`,
  body: { status: target, idempotency_key: key, at: '2025-03-14T13:05:09.000Z' },
});
const position = (key, latitude) => ({
  key, kind: 'position', unit: 7, url: '/api/units/7/position/',
  body: { latitude, longitude: 16.5, idempotency_key: key },
});

function flush(store, net, options = {}) {
  const messages = [];
  const result = flushOutbox({
    user: USER, csrf: 'token', signedOut: async () => false, store, fetch: net.fetch,
    broadcast: (message) => messages.push(message), ...options,
  });
  return result.then((r) => ({ ...r, messages }));
}

/* ---------- flushOutbox: one round of sending ---------- */

test('changes are sent in the order made, each with its key, then leave the outbox', async () => {
  const store = memoryStore();
  await queueAll(store, [status(1, 'acknowledged', 'k1'), position('p1', 59.6), status(1, 'en_route', 'k2')]);
  const net = server();
  const sent = [];
  const result = await flush(store, net, { onSent: (change, answer) => sent.push([change.key, answer]) });

  assert.deepEqual(net.urls(), ['/api/assignments/1/status/', '/api/units/7/position/', '/api/assignments/1/status/']);
  assert.deepEqual(net.requests.map((r) => r.headers['Idempotency-Key']), ['k1', 'p1', 'k2']);
  assert.deepEqual(net.requests.map((r) => r.json.idempotency_key), ['k1', 'p1', 'k2']);
  assert.ok(net.requests.every((r) => r.method === 'POST' && r.headers['X-CSRFToken'] === 'token'));
  assert.deepEqual(sent.map(([key]) => key), ['k1', 'p1', 'k2']);
  assert.deepEqual(result, { sent: 3, refused: 0, kept: null, messages: result.messages });
  assert.equal(store.rows.size, 0);
  assert.deepEqual(result.messages.map((m) => [m.type, m.change.key]), [['sent', 'k1'], ['sent', 'p1'], ['sent', 'k2']]);
});

test('the CSRF token may be a function, asked for each send', async () => {
  const store = memoryStore();
  await queueAll(store, [status(1, 'acknowledged', 'k1'), status(1, 'en_route', 'k2')]);
  const net = server();
  let n = 0;
  await flush(store, net, { csrf: () => `token-${++n}` });
  assert.deepEqual(net.requests.map((r) => r.headers['X-CSRFToken']), ['token-1', 'token-2']);
});

test('a replay of a change the server already has counts as sent', async () => {
  const store = memoryStore();
  await queueAll(store, [status(1, 'acknowledged', 'k1'), status(1, 'en_route', 'k2')]);
  const net = server((request, n) => (n === 1
    ? { status: 200, body: { id: 1, status: 'acknowledged' }, headers: { 'Idempotent-Replay': 'true' } }
    : 201));
  const sent = [];
  const result = await flush(store, net, { onSent: (change, answer) => sent.push([change.key, answer]) });
  assert.equal(result.sent, 2);
  assert.deepEqual(sent[0], ['k1', { id: 1, status: 'acknowledged' }]);
  assert.equal(store.rows.size, 0);
});

test('without network everything is kept, in order, and nothing after the first is tried', async () => {
  const store = memoryStore();
  await queueAll(store, [status(1, 'acknowledged', 'k1'), status(1, 'en_route', 'k2')]);
  const net = server(() => 'network');
  const result = await flush(store, net, { onRefused: () => assert.fail('not a refusal') });
  assert.equal(result.kept, 'network');
  assert.equal(net.requests.length, 1);
  assert.deepEqual([...store.rows.values()].map((c) => [c.key, c.state]), [['k1', 'waiting'], ['k2', 'waiting']]);
});

for (const code of [500, 502, 503, 408, 429, 401]) {
  test(`an answer ${code} keeps the change for later`, async () => {
    const store = memoryStore();
    await queueAll(store, [status(1, 'acknowledged', 'k1'), status(1, 'en_route', 'k2')]);
    const net = server(() => code);
    const result = await flush(store, net, { onRefused: () => assert.fail('not a refusal') });
    assert.equal(result.kept, String(code));
    assert.equal(result.refused, 0);
    assert.equal(net.requests.length, 1);
    assert.deepEqual([...store.rows.values()].map((c) => c.state), ['waiting', 'waiting']);
  });
}

test('a 403 is kept when the session has ended, refused when it has not', async () => {
  for (const [ended, expected] of [[true, 'waiting'], [false, 'refused']]) {
    const store = memoryStore();
    await queueAll(store, [status(1, 'acknowledged', 'k1')]);
    const net = server(() => ({ status: 403, body: { detail: 'Not your assignment.' } }));
    let asked = 0;
    await flush(store, net, { signedOut: async () => { asked += 1; return ended; } });
    assert.equal(asked, 1);
    assert.equal([...store.rows.values()][0].state, expected, `signed out: ${ended}`);
  }
});

test('the worker (strict403) keeps on any 403 without asking', async () => {
  const store = memoryStore();
  await queueAll(store, [status(1, 'acknowledged', 'k1')]);
  const net = server(() => 403);
  const result = await flush(store, net, { strict403: true, signedOut: async () => assert.fail('not asked') });
  assert.equal(result.kept, '403');
  assert.equal([...store.rows.values()][0].state, 'waiting');
});

test('a refusal stays with its reason and takes the later changes of its assignment, not positions or other assignments', async () => {
  const store = memoryStore();
  await queueAll(store, [
    status(1, 'on_scene', 'a1'), { ...position('p1', 59.6), assignment: 1 }, status(1, 'transporting', 'a2'),
    status(2, 'acknowledged', 'b1'), position('p2', 59.7), status(1, 'at_hospital', 'a3'),
  ]);
  const net = server((request) => (request.json.idempotency_key === 'a1'
    ? { status: 409, body: { detail: 'Cannot go from on scene to on scene.' } } : 200));
  const refused = [];
  const result = await flush(store, net, {
    dependsDetail: 'Not sent: an earlier change was refused.',
    onRefused: (change, detail) => refused.push([change.key, detail]),
  });

  assert.deepEqual(net.requests.map((r) => r.json.idempotency_key), ['a1', 'p1', 'b1', 'p2']);
  assert.deepEqual(refused, [['a1', 'Cannot go from on scene to on scene.']]);
  assert.deepEqual(result.sent, 3);
  assert.deepEqual(result.refused, 1);
  const left = [...store.rows.values()].map((c) => [c.key, c.state, c.httpStatus, c.detail]);
  assert.deepEqual(left, [
    ['a1', 'refused', 409, 'Cannot go from on scene to on scene.'],
    ['a2', 'refused', 0, 'Not sent: an earlier change was refused.'],
    ['a3', 'refused', 0, 'Not sent: an earlier change was refused.'],
  ]);
  assert.deepEqual(result.messages.filter((m) => m.type === 'refused').map((m) => m.change.key), ['a1', 'a2', 'a3']);
});

test('without dependsDetail the later changes carry the refusal\'s reason; without a reason, the status', async () => {
  const store = memoryStore();
  await queueAll(store, [status(1, 'on_scene', 'a1'), status(1, 'transporting', 'a2')]);
  const net = server(() => ({ status: 409, body: null }));
  await flush(store, net);
  assert.deepEqual([...store.rows.values()].map((c) => c.detail), ['HTTP 409', 'HTTP 409']);
});

test('an independent change (a destination) takes nothing with it, and is not taken', async () => {
  const store = memoryStore();
  const destination = (key) => ({
    key, kind: 'destination', independent: true, assignment: 1, url: '/api/assignments/1/destination/',
    body: { hospital: 3, idempotency_key: key },
  });
  await queueAll(store, [destination('d1'), status(1, 'transporting', 'a1'), destination('d2'),
    status(1, 'at_hospital', 'a2')]);
  const net = server((request) => (['d1', 'a1'].includes(request.json.idempotency_key) ? 400 : 200));
  await flush(store, net);
  // d1's refusal holds no status back; a1's takes a2 with it, not the destination d2.
  assert.deepEqual(net.requests.map((r) => r.json.idempotency_key), ['d1', 'a1', 'd2']);
  assert.deepEqual([...store.rows.values()].map((c) => [c.key, c.httpStatus]), [['d1', 400], ['a1', 400], ['a2', 0]]);
});

test('an independent change the server cannot take now (5xx, 429, 408) holds no status back', async () => {
  for (const code of [500, 503, 429, 408]) {
    const store = memoryStore();
    const destination = {
      key: 'd1', kind: 'destination', independent: true, assignment: 1, url: '/api/assignments/1/destination/',
      body: { hospital: 3, idempotency_key: 'd1' },
    };
    await queueAll(store, [destination, status(1, 'transporting', 'a1'), status(1, 'at_hospital', 'a2')]);
    const net = server((request) => (request.json.idempotency_key === 'd1' ? code : 200));
    const result = await flush(store, net);
    // The statuses go on; the destination waits (tried once this round) and the round says so.
    assert.deepEqual(net.requests.map((r) => r.json.idempotency_key), ['d1', 'a1', 'a2'], `HTTP ${code}`);
    assert.deepEqual([...store.rows.values()].map((c) => [c.key, c.state]), [['d1', 'waiting']]);
    assert.equal(result.sent, 2);
    assert.equal(result.kept, String(code));
    // The next round tries it again, and it goes.
    const later = server();
    assert.equal((await flush(store, later)).sent, 1);
    assert.deepEqual(later.requests.map((r) => r.json.idempotency_key), ['d1']);
  }
});

test('a status the server cannot take now still stops the round, independent changes after it too', async () => {
  const store = memoryStore();
  await queueAll(store, [status(1, 'transporting', 'a1'), {
    key: 'd1', kind: 'destination', independent: true, assignment: 1, url: '/api/assignments/1/destination/',
    body: { hospital: 3, idempotency_key: 'd1' },
  }, status(1, 'at_hospital', 'a2')]);
  const net = server((request) => (request.json.idempotency_key === 'a1' ? 503 : 200));
  const result = await flush(store, net);
  assert.deepEqual(net.requests.map((r) => r.json.idempotency_key), ['a1']);
  assert.equal(result.kept, '503');
});

test('a refused position takes nothing with it', async () => {
  const store = memoryStore();
  await queueAll(store, [position('p1', 95), position('p2', 59.7), status(1, 'en_route', 'a1')]);
  const net = server((request) => (request.json.idempotency_key === 'p1' ? 400 : 200));
  await flush(store, net);
  assert.deepEqual(net.requests.map((r) => r.json.idempotency_key), ['p1', 'p2', 'a1']);
  assert.deepEqual([...store.rows.values()].map((c) => [c.key, c.state]), [['p1', 'refused']]);
});

test('refused changes are not sent again', async () => {
  const store = memoryStore();
  await queueAll(store, [status(1, 'on_scene', 'a1')]);
  await flush(store, server(() => 409));
  const net = server();
  const result = await flush(store, net);
  assert.equal(net.requests.length, 0);
  assert.equal(result.sent, 0);
});

test('only the user\'s own changes are sent', async () => {
  const store = memoryStore();
  await queueAll(store, [status(1, 'acknowledged', 'mine')]);
  await store.addChange({ user: 'ali', ...status(1, 'en_route', 'his') });
  const net = server();
  await flush(store, net);
  assert.deepEqual(net.requests.map((r) => r.json.idempotency_key), ['mine']);
  assert.deepEqual([...store.rows.values()].map((c) => c.key), ['his']);
});

test('while another sender holds the lock nothing is sent and the answer says busy', async () => {
  const store = memoryStore();
  await queueAll(store, [status(1, 'acknowledged', 'k1')]);
  const net = server();
  const locks = { request: async (name, options, callback) => { assert.equal(options.ifAvailable, true); return callback(null); } };
  const result = await flush(store, net, { locks });
  assert.equal(result.busy, true);
  assert.equal(net.requests.length, 0);
  const free = { request: async (name, options, callback) => callback({ name }) };
  assert.equal((await flush(store, net, { locks: free })).sent, 1);
});

/* ---------- Outbox: a page's client ---------- */

function client(options = {}) {
  const store = options.store || memoryStore();
  const net = options.net || server();
  const seen = { changes: [], sending: [], sent: [], refused: [], broadcast: [], tags: [] };
  const registration = Promise.resolve({ sync: { register: async (tag) => { seen.tags.push(tag); } } });
  const outbox = new Outbox({
    user: USER, csrf: () => 'token', signedOut: async () => false, registration, store, fetch: net.fetch,
    broadcast: (message) => seen.broadcast.push(message),
    onChange: (list) => seen.changes.push(list.map((c) => c.key)),
    onSending: (sending) => seen.sending.push(sending),
    onSent: (change, answer) => seen.sent.push([change.key, answer]),
    onRefused: (change, detail) => seen.refused.push([change.key, detail]),
    ...options.outbox,
  });
  return { outbox, store, net, seen };
}

/** Until the round of sending started by queue() (not awaited there) has ended. */
async function settled(outbox) {
  for (let i = 0; i < 100 && outbox.flushing; i += 1) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(outbox.flushing, false);
}

test('one Background Sync tag, the one the worker listens for', () => {
  assert.equal(SYNC_TAG, 'larmkedjan-outbox');
  assert.equal(CHANNEL, 'larmkedjan-outbox');
});

test('a queued change is kept for its user, registered for Background Sync and sent at once', async () => {
  const { outbox, store, net, seen } = client();
  await outbox.queue(status(1, 'acknowledged', 'k1'));
  await settled(outbox);
  assert.deepEqual(seen.tags, [SYNC_TAG]);
  assert.equal(net.requests.length, 1);
  assert.equal(net.requests[0].json.idempotency_key, 'k1');
  assert.deepEqual(seen.sent.map(([key]) => key), ['k1']);
  assert.deepEqual(seen.changes[0], ['k1']); // listed at once, before it was sent
  assert.deepEqual(seen.changes.at(-1), []);
  assert.deepEqual(seen.sending, [true, false]);
  assert.equal(store.rows.size, 0);
  assert.deepEqual(store.meta.get('session'), { user: USER, csrf: 'token' }); // for the worker
});

test('while the server cannot be reached the client tries again, waiting longer each time', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const net = server(() => 'network');
  const { outbox, store } = client({ net });
  await store.addChange({ user: USER, ...status(1, 'acknowledged', 'k1') });
  const delays = [];
  for (let round = 0; round < 7; round += 1) {
    const before = outbox.retryDelay;
    await outbox.flush();
    delays.push(before);
  }
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  assert.equal(net.requests.length, 7);
  assert.equal([...store.rows.values()][0].state, 'waiting');

  // The timer set by the last round sends again by itself.
  t.mock.timers.tick(29_999);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(net.requests.length, 7);
  t.mock.timers.tick(1);
  await settled(outbox);
  for (let i = 0; i < 10 && net.requests.length === 7; i += 1) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(net.requests.length, 8);
});

test('once sent, the next wait starts again from one second', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let online = false;
  const net = server(() => (online ? 200 : 503));
  const { outbox, store } = client({ net });
  await store.addChange({ user: USER, ...status(1, 'acknowledged', 'k1') });
  await outbox.flush();
  await outbox.flush();
  assert.equal(outbox.retryDelay, 4000);
  online = true;
  await outbox.flush();
  assert.equal(outbox.retryDelay, 1000);
  assert.equal(store.rows.size, 0);
});

test('while another tab or the worker sends, the client looks again in a second, without backing off', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] });
  let busy = true;
  const locks = { request: async (name, options, callback) => callback(busy ? null : { name }) };
  const { outbox, store, net } = client({ outbox: { locks } });
  await store.addChange({ user: USER, ...status(1, 'acknowledged', 'k1') });
  await outbox.flush();
  assert.equal(net.requests.length, 0);
  assert.equal(outbox.retryDelay, 1000);
  busy = false;
  t.mock.timers.tick(1000);
  for (let i = 0; i < 20 && store.rows.size; i += 1) await new Promise((resolve) => setImmediate(resolve));
  assert.equal(net.requests.length, 1);
  assert.equal(store.rows.size, 0);
});

test('a refusal is kept, listed, and leaves when the user has seen it', async () => {
  const net = server(() => ({ status: 409, body: { detail: 'The assignment has been cancelled.' } }));
  const { outbox, store, seen } = client({ net, outbox: { dependsDetail: 'Not sent.' } });
  await outbox.queue(status(1, 'en_route', 'k1'));
  await settled(outbox);
  assert.deepEqual(seen.refused, [['k1', 'The assignment has been cancelled.']]);
  assert.deepEqual(outbox.list.map((c) => [c.key, c.state]), [['k1', 'refused']]);
  assert.equal(outbox.waiting, false);
  await outbox.dismiss(outbox.list[0]);
  assert.deepEqual(outbox.list, []);
  assert.equal(store.rows.size, 0);
});

test('a screen that keeps no refusals (the responder) hears it once, and it is deleted', async () => {
  const net = server(() => ({ status: 409, body: { detail: 'Enough responders have accepted.' } }));
  const store = memoryStore();
  const leftWhenHeard = [];
  const { outbox, seen } = client({
    net, store, outbox: { keepRefused: false },
  });
  const onRefused = outbox.onRefused;
  outbox.onRefused = (change, detail) => {
    leftWhenHeard.push(store.rows.size);
    onRefused(change, detail);
  };
  await outbox.queue({ key: 'r1', kind: 'ivpa', alert: 4, assignment: 'ivpa-4', url: '/api/ivpa/alerts/4/accept/', body: {} });
  await settled(outbox);
  assert.deepEqual(seen.refused, [['r1', 'Enough responders have accepted.']]);
  assert.deepEqual(leftWhenHeard, [0]); // deleted before the screen shows it
  assert.equal(store.rows.size, 0);
  assert.deepEqual(outbox.list, []);
});

test('a refusal left by another sender is deleted on reading when none are kept', async () => {
  const store = memoryStore();
  await store.addChange({ user: USER, key: 'r1', kind: 'ivpa', state: 'refused', detail: 'No.', url: '/x/', body: {} });
  await store.addChange({ user: USER, key: 'r2', kind: 'ivpa', url: '/y/', body: {} });
  const { outbox } = client({ store, outbox: { keepRefused: false } });
  const list = await outbox.refresh();
  assert.deepEqual(list.map((c) => c.key), ['r2']);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual([...store.rows.values()].map((c) => c.key), ['r2']);
});

test('a screen sees and hears only its own kind of change', async () => {
  const store = memoryStore();
  const { outbox, seen } = client({ store, outbox: { mine: (c) => c.referral != null } });
  await store.addChange({ user: USER, ...status(1, 'en_route', 'crew') });
  await outbox.queue({ key: 'ref', kind: 'accept', referral: 9, assignment: 'referral-9', url: '/api/referrals/9/accept/', body: {} });
  await settled(outbox);
  assert.deepEqual(seen.changes[0], ['ref']);
  assert.deepEqual(seen.sent.map(([key]) => key), ['ref']); // both were sent, one was this screen's
  assert.equal(store.rows.size, 0);
});

test('what another tab or the worker sent or had refused is passed on, and the list read again', async () => {
  const store = memoryStore();
  const { outbox, seen } = client({ store, outbox: { mine: (c) => c.kind === 'ivpa' } });
  outbox.heard({ type: 'sent', change: { key: 'r1', kind: 'ivpa' }, answer: { id: 4 } });
  outbox.heard({ type: 'refused', change: { key: 'r2', kind: 'ivpa', detail: 'Too late.' } });
  outbox.heard({ type: 'sent', change: { key: 's1', kind: 'status' }, answer: {} });
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(seen.sent, [['r1', { id: 4 }]]);
  assert.deepEqual(seen.refused, [['r2', 'Too late.']]);
  assert.equal(seen.changes.length, 3);
});

test('without IndexedDB (private mode) a screen that allows it sends at once, with the key', async () => {
  for (const [reply, expected] of [
    [200, ['sent']],
    [{ status: 409, body: { detail: 'The alert has ended.' } }, ['refused', 'The alert has ended.']],
    [{ status: 500, body: null }, ['refused', 'error 500']],
    ['network', ['refused', 'no network']],
  ]) {
    const net = server(() => reply);
    const { outbox, seen } = client({
      net, store: memoryStore({ failAdd: true }),
      outbox: { sendDirectly: true, detailFor: (code) => (code ? `error ${code}` : 'no network') },
    });
    await outbox.queue({ key: 'r1', kind: 'ivpa', alert: 4, url: '/api/ivpa/alerts/4/accept/', body: { at: 'x' } });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(net.requests.length, 1);
    assert.equal(net.requests[0].headers['Idempotency-Key'], 'r1');
    const got = seen.sent.length ? ['sent'] : seen.refused.map(([, detail]) => ['refused', detail])[0];
    assert.deepEqual(got, expected, JSON.stringify(reply));
  }
});

test('without IndexedDB a screen that does not allow direct sends hears the failure', async () => {
  const { outbox, net } = client({ store: memoryStore({ failAdd: true }) });
  await assert.rejects(outbox.queue(status(1, 'acknowledged', 'k1')), /private mode/);
  assert.equal(net.requests.length, 0);
});

/* ---------- priority: the panic alarm waits behind nothing ---------- */

const panicRaise = (key) => ({
  key, kind: 'panic', independent: true, priority: true, assignment: 1, url: '/api/safety/panic/',
  body: { idempotency_key: key, raised_at: '2025-03-14T13:05:09.000Z' },
});

test('a priority change (the panic alarm) is sent before the changes queued earlier, which keep their order', async () => {
  const store = memoryStore();
  await queueAll(store, [status(1, 'acknowledged', 'a1'), position('p1', 59.6), status(1, 'en_route', 'a2'),
    panicRaise('x1')]);
  const net = server();
  const result = await flush(store, net);
  assert.deepEqual(net.requests.map((r) => r.json.idempotency_key), ['x1', 'a1', 'p1', 'a2']);
  assert.equal(result.sent, 4);
});

test('an assignment change the server cannot take now (5xx, 429, 408) holds the others back, not the panic alarm', async () => {
  for (const code of [500, 503, 429, 408]) {
    const store = memoryStore();
    await queueAll(store, [status(1, 'transporting', 'a1'), status(1, 'at_hospital', 'a2')]);
    // The alarm is queued while the held status is on its way: the round still sends it.
    const net = server((request) => {
      if (request.json.idempotency_key === 'a1') {
        store.addChange({ user: USER, ...panicRaise('x1') });
        return code;
      }
      return 201;
    });
    const result = await flush(store, net);
    assert.deepEqual(net.requests.map((r) => r.json.idempotency_key), ['a1', 'x1'], `HTTP ${code}`);
    assert.deepEqual([...store.rows.values()].map((c) => [c.key, c.state]), [['a1', 'waiting'], ['a2', 'waiting']]);
    assert.equal(result.kept, String(code));
    assert.equal(result.sent, 1);
  }
});

test('a panic alarm the server cannot take now is kept and holds no status back', async () => {
  const store = memoryStore();
  await queueAll(store, [status(1, 'on_scene', 'a1'), panicRaise('x1')]);
  const net = server((request) => (request.json.idempotency_key === 'x1' ? 503 : 200));
  const result = await flush(store, net);
  assert.deepEqual(net.requests.map((r) => r.json.idempotency_key), ['x1', 'a1']);
  assert.deepEqual([...store.rows.values()].map((c) => [c.key, c.state]), [['x1', 'waiting']]);
  assert.equal(result.kept, '503');
});

test('a page queueing the panic alarm while its round of sending ends sends it at once, not after the back-off', async () => {
  const store = memoryStore();
  let outbox;
  let queued = null;
  const net = server((request) => {
    if (request.json.idempotency_key === 'a1') {
      // The alarm is raised while the status is on its way; the round has ended when it is queued.
      queued = new Promise((resolve) => setTimeout(() => resolve(outbox.queue(panicRaise('x1'))), 0));
      return 503;
    }
    return 201;
  });
  outbox = new Outbox({
    user: USER, csrf: () => 'token', signedOut: async () => false, store, fetch: net.fetch,
    locks: null, broadcast: () => {},
  });
  outbox.retryDelay = 30000; // after failed rounds
  await outbox.queue(status(1, 'on_scene', 'a1'));
  await queued;
  await new Promise((resolve) => setTimeout(resolve, 50));
  outbox.user = null; // no more rounds after this test
  clearTimeout(outbox.retryTimer);
  // Sent within 50 ms (then the held status is tried again, after it), not in 30 s.
  assert.deepEqual(net.requests.map((r) => r.json.idempotency_key).slice(0, 2), ['a1', 'x1']);
  assert.equal(store.rows.size, 1);
});
