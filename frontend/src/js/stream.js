/* The page's one WebSocket to /ws/stream/ (protocol: realtime/consumers.py).

   The client keeps the last sequence number seen per stream and resubscribes with it after a
   reconnect, so the server replays what was missed. When the server answers `reset` (history
   gone) or the page subscribes without a known position, the page reloads its state over HTTP
   through onReset. A page that knows each stream's head from before it loaded its state (the
   field screens' `me.heads`) gives them to setStreams: a stream never seen here starts from
   there, and the server replays what came since, so the first subscription reloads nothing
   the page has just loaded. */

import { noteEventTime, redirectIfSignedOut } from './common.js';

const PING_EVERY = 15000;
const SYNC_EVERY = 60000;
const SILENT_LIMIT = 45000;
const RETRY_STEP = 1000;
const MAX_DELAY = 3000;

/** Sequence numbers in memory only (the console reloads everything anyway). */
export class MemorySeqStore {
  constructor() { this.seqs = new Map(); }
  get(stream) { return this.seqs.get(stream) ?? null; }
  set(stream, seq) { this.seqs.set(stream, seq); }
}

/** Sequence numbers kept in localStorage too, so a reloaded tablet resumes where it was.
    Each page dedupes on its own copy in memory: two tabs never skip each other's events. */
export class LocalSeqStore extends MemorySeqStore {
  constructor(prefix = 'larmkedjan.seq.') { super(); this.prefix = prefix; }
  get(stream) {
    if (!this.seqs.has(stream)) {
      let stored = null;
      try { stored = localStorage.getItem(this.prefix + stream); } catch { /* private mode */ }
      const n = stored == null ? NaN : Number.parseInt(stored, 10);
      if (Number.isInteger(n) && n >= 0) this.seqs.set(stream, n);
    }
    return super.get(stream);
  }
  set(stream, seq) {
    super.set(stream, seq);
    try { localStorage.setItem(this.prefix + stream, String(seq)); } catch { /* full or private */ }
  }
}

export class StreamClient {
  constructor({ store, onEvent, onReset, onStatus, onRefused, ack = false }) {
    this.store = store;
    this.ack = ack; // tell the server each event was seen here (no push then wakes this user)
    this.onEvent = onEvent;
    this.onReset = onReset;
    this.onStatus = onStatus || (() => {});
    this.onRefused = onRefused || (() => {});
    this.streams = new Set();
    this.ws = null;
    this.attempt = 0;
    this.retryTimer = null;
    this.beat = null;
    this.lastHeard = 0;
    this.lastSync = 0;
    addEventListener('online', () => this.kick());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.kick();
    });
  }

  /** Follow exactly these streams (subscribing and unsubscribing the difference). `heads`:
      {stream: seq} read before the page loaded its state, the start of a stream not seen. */
  setStreams(names, heads = {}) {
    const wanted = new Set(names);
    for (const stream of wanted) {
      const head = heads?.[stream];
      if (this.store.get(stream) == null && Number.isInteger(head) && head >= 0) this.store.set(stream, head);
    }
    for (const stream of this.streams) {
      if (!wanted.has(stream)) this.send({ op: 'unsubscribe', stream });
    }
    const added = [...wanted].filter((s) => !this.streams.has(s));
    this.streams = wanted;
    if (!this.ws) this.connect();
    else if (this.ws.readyState === WebSocket.OPEN) added.forEach((s) => this.subscribe(s));
  }

  subscribe(stream) {
    this.send({ op: 'subscribe', stream, after: this.store.get(stream) });
  }

  send(message) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  connect() {
    clearTimeout(this.retryTimer);
    if (this.ws) return;
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    const ws = new WebSocket(scheme + location.host + '/ws/stream/');
    this.ws = ws;
    this.onStatus('connecting');
    ws.addEventListener('open', () => {
      if (this.ws !== ws) return;
      this.attempt = 0;
      this.lastHeard = Date.now();
      this.lastSync = Date.now();
      this.onStatus('open');
      this.streams.forEach((s) => this.subscribe(s));
      clearInterval(this.beat);
      this.beat = setInterval(() => this.heartbeat(), PING_EVERY);
    });
    ws.addEventListener('message', (e) => { if (this.ws === ws) this.receive(e.data); });
    ws.addEventListener('close', (e) => {
      if (this.ws !== ws) return;
      this.drop();
      if (e.code === 4401) redirectIfSignedOut();
    });
  }

  /** Forget the socket and try again soon: after 0.5-1 s, then 1-2 s, then 1.5-3 s, never
      longer. The server keeps its sockets through a Redis outage, so what drops them is a
      server restart or the network, and a tablet must be back within seconds of it. The
      jitter spreads the handshakes of a hundred tablets that lost the same server over half
      of each wait. */
  drop() {
    const ws = this.ws;
    this.ws = null;
    clearInterval(this.beat);
    if (ws && ws.readyState <= WebSocket.OPEN) {
      try { ws.close(); } catch { /* already closing */ }
    }
    this.onStatus('closed');
    const base = Math.min(MAX_DELAY, RETRY_STEP * (this.attempt + 1));
    this.attempt += 1;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), base / 2 + Math.random() * base / 2);
  }

  /** The network is back or the page is visible again: reconnect now, or check for gaps. */
  kick() {
    if (!this.ws) {
      this.attempt = 0;
      this.connect();
    } else {
      this.send({ op: 'sync' });
    }
  }

  heartbeat() {
    if (!this.ws) return;
    if (Date.now() - this.lastHeard > SILENT_LIMIT) {
      this.drop(); // a half-open connection: nothing heard despite pings
      return;
    }
    this.send({ op: 'ping', t: Date.now() });
    if (Date.now() - this.lastSync > SYNC_EVERY) {
      this.lastSync = Date.now();
      this.send({ op: 'sync' });
    }
  }

  receive(text) {
    this.lastHeard = Date.now();
    let msg;
    try { msg = JSON.parse(text); } catch { return; }
    if (msg.op === 'event') {
      const event = msg.event;
      if (!event || !this.streams.has(event.stream)) return;
      const last = this.store.get(event.stream);
      if (last != null && event.seq <= last) return;
      this.store.set(event.stream, event.seq);
      noteEventTime(event.at);
      try { this.onEvent(event); } catch (err) { console.error('event handler failed', event, err); }
      if (this.ack) this.send({ op: 'ack', stream: event.stream, seq: event.seq });
    } else if (msg.op === 'subscribed') {
      if (this.store.get(msg.stream) == null) {
        this.store.set(msg.stream, msg.head);
        this.onReset(msg.stream);
      }
    } else if (msg.op === 'reset') {
      this.store.set(msg.stream, msg.head);
      this.onReset(msg.stream);
    } else if (msg.op === 'error') {
      if (msg.request?.op === 'ack') return; // a server without acks: nothing to do
      console.warn('stream refused a request', msg);
      if (msg.request?.op === 'subscribe' && this.streams.has(msg.request.stream)) {
        // Forget it, so that the page can ask again once it knows more (e.g. a new shift).
        this.streams.delete(msg.request.stream);
        this.onRefused(msg.request.stream, msg.message);
      }
    }
  }
}
