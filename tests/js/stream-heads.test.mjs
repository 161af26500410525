// A first subscription from the page's heads (frontend/src/js/stream.js, `me.heads`): the page
// loaded its state after those heads were read, so the stream resumes there (the server
// replays what came since) and asks for no second load; a stream with no head, or after a
// reconnect the position seen, works as before. The browser's WebSocket is a stand-in.

import assert from 'node:assert/strict';
import { test } from 'node:test';

globalThis.document = {
  getElementById: () => null,
  documentElement: { lang: 'sv' },
  visibilityState: 'visible',
  addEventListener() {},
};
globalThis.addEventListener = () => {};
globalThis.location = { protocol: 'http:', host: 'centre.test' };

class OpenSocket {
  static OPEN = 1;
  static last = null;
  constructor() {
    this.readyState = OpenSocket.OPEN;
    this.sent = [];
    this.listeners = {};
    OpenSocket.last = this;
  }
  addEventListener(type, listener) { (this.listeners[type] ??= []).push(listener); }
  fire(type, event) { for (const listener of this.listeners[type] ?? []) listener(event); }
  send(text) { this.sent.push(JSON.parse(text)); }
  close() { this.readyState = 3; }
}
globalThis.WebSocket = OpenSocket;

const { MemorySeqStore, StreamClient } = await import('../../frontend/src/js/stream.js');

function client(store = new MemorySeqStore()) {
  const resets = [];
  const events = [];
  const c = new StreamClient({ store, onEvent: (e) => events.push(e.seq), onReset: (s) => resets.push(s) });
  return { c, resets, events, store };
}

const answer = (msg) => OpenSocket.last.fire('message', { data: JSON.stringify(msg) });

test('a stream new here subscribes after the head the page gave, and loads nothing again', () => {
  const { c, resets, events } = client();
  c.setStreams(['unit.12'], { 'unit.12': 41 });
  OpenSocket.last.fire('open', {});
  assert.deepEqual(OpenSocket.last.sent.at(-1), { op: 'subscribe', stream: 'unit.12', after: 41 });
  answer({ op: 'subscribed', stream: 'unit.12', head: 41, replayed: 1 });
  answer({ op: 'event', event: { stream: 'unit.12', seq: 42, type: 'assignment.status', data: {} } });
  assert.deepEqual(resets, []);
  assert.deepEqual(events, [42]);
});

test('without a head the first subscription still asks for the state to be loaded', () => {
  const { c, resets } = client();
  c.setStreams(['unit.12'], {});
  OpenSocket.last.fire('open', {});
  assert.equal(OpenSocket.last.sent.at(-1).after, null);
  answer({ op: 'subscribed', stream: 'unit.12', head: 41, replayed: 0 });
  assert.deepEqual(resets, ['unit.12']);
});

test('a position seen before beats the page\'s head: what was missed is replayed', () => {
  const store = new MemorySeqStore();
  store.set('unit.12', 30);
  const { c } = client(store);
  c.setStreams(['unit.12'], { 'unit.12': 41 });
  OpenSocket.last.fire('open', {});
  assert.equal(OpenSocket.last.sent.at(-1).after, 30);
});

test('history gone since the page\'s head: the reset still reloads the state', () => {
  const { c, resets } = client();
  c.setStreams(['unit.12'], { 'unit.12': 41 });
  OpenSocket.last.fire('open', {});
  answer({ op: 'reset', stream: 'unit.12', head: 90 });
  assert.deepEqual(resets, ['unit.12']);
});
