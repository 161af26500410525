// The stream's reconnection (frontend/src/js/stream.js): a tablet whose socket cannot get
// through tries again after 0.5-1 s, then 1-2 s, then 1.5-3 s, never longer, so it is back
// within 3 s of its server; a socket that opened starts the steps again. The browser's
// WebSocket, document and clock are stand-ins.

import assert from 'node:assert/strict';
import { mock, test } from 'node:test';

globalThis.document = {
  getElementById: () => null,
  documentElement: { lang: 'sv' },
  visibilityState: 'visible',
  addEventListener() {},
};
globalThis.addEventListener = () => {};
globalThis.location = { protocol: 'http:', host: 'centre.test' };

/** A WebSocket that fails to connect (closes without opening) while `refusing` is on. */
class FakeSocket {
  static CONNECTING = 0;
  static OPEN = 1;
  static made = [];
  static refusing = true;

  constructor(url) {
    this.url = url;
    this.readyState = FakeSocket.CONNECTING;
    this.listeners = {};
    this.sent = [];
    FakeSocket.made.push({ socket: this, at: Date.now() });
    setTimeout(() => {
      if (FakeSocket.refusing) this.fire('close', { code: 1006 });
      else {
        this.readyState = FakeSocket.OPEN;
        this.fire('open', {});
      }
    }, 0);
  }

  addEventListener(type, listener) { (this.listeners[type] ??= []).push(listener); }
  fire(type, event) {
    if (type === 'close') this.readyState = 3;
    for (const listener of this.listeners[type] ?? []) listener(event);
  }
  send(text) { this.sent.push(JSON.parse(text)); }
  close() { this.readyState = 3; }
}
globalThis.WebSocket = FakeSocket;

const { MemorySeqStore, StreamClient } = await import('../../frontend/src/js/stream.js');

/** The waits between connection attempts when Math.random() always says `random`. */
function waits({ attempts, random, openAfter = Infinity }) {
  mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'], now: 0 });
  mock.method(Math, 'random', () => random);
  FakeSocket.made = [];
  FakeSocket.refusing = true;
  try {
    const client = new StreamClient({ store: new MemorySeqStore(), onEvent() {}, onReset() {} });
    client.setStreams(['unit.12']);
    while (FakeSocket.made.length < attempts) {
      if (FakeSocket.made.length === openAfter) FakeSocket.refusing = false;
      mock.timers.tick(1);
      if (!FakeSocket.refusing && client.ws?.readyState === FakeSocket.OPEN) {
        FakeSocket.refusing = true;
        client.ws.fire('close', { code: 1006 }); // it opened, then the server went away
      }
    }
    const times = FakeSocket.made.map((m) => m.at);
    return times.slice(1).map((t, i) => t - times[i]);
  } finally {
    mock.timers.reset();
    mock.restoreAll();
  }
}

/** Rounded to 10 ms (the clock moves by 1 ms, a refusal takes one step of it). */
const rounded = (list) => list.map((ms) => Math.round(ms / 10) * 10);

test('the longest waits are 1 s, 2 s, then 3 s however long the server is away', () => {
  assert.deepEqual(rounded(waits({ attempts: 8, random: 0.999999 })),
    [1000, 2000, 3000, 3000, 3000, 3000, 3000]);
});

test('the shortest are half of them: the jitter spreads a hundred tablets over half a wait', () => {
  assert.deepEqual(rounded(waits({ attempts: 6, random: 0 })), [500, 1000, 1500, 1500, 1500]);
});

test('a socket that opened starts the steps again', () => {
  const got = rounded(waits({ attempts: 7, random: 0.999999, openAfter: 4 }));
  // Three refusals (1, 2, 3 s), an opened socket that drops, then 1 s and 2 s again.
  assert.deepEqual(got.slice(0, 3), [1000, 2000, 3000]);
  assert.deepEqual(got.slice(-2), [1000, 2000]);
});
