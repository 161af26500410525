/* A field screen's start-up: what the crew tablet, the mobile care unit's phone and the first
   responder's phone do alike, so that each keeps only its own rendering and domain logic.

   - Who the user is (`me`: unit, streams) came with the page, with the time it was made. A page
     the service worker kept may be older than what the device learnt since (joined a unit
     without reloading): the newer of the page's copy and the one kept in IndexedDB counts, and
     without network the kept one. Later (a join, a leave, a refused stream) it is asked again
     from /api/me/; an offline start uses the kept copy.
   - The page's one stream connection, following me.streams, telling the server each event was
     seen here (`ack`: no push then wakes this device) and resuming after a reload where it was;
     a stream new here starts at its head in `me` (read before the screen loads its state), so
     its first subscription replays what came since instead of loading the state again.
   - The outbox (outbox.js), sending on every chance.
   - Joining and leaving a unit (the crew's ambulance, the mobile care unit): POST
     /api/units/<id>/join/ and /api/units/leave/; leaving wipes the patient data from the device.
   - The banner that asks for a tap to allow sound, the offer of alerts with the app closed once
     the screen is up, and the screen kept on where the screen asks for it.

   A screen:
       const field = new FieldScreen({ root, onMe, onEvent, onReset, outbox: {...}, unit: {...} });
       ... its own rendering, reading field.me and field.outbox.list ...
       field.start();
*/

import { api, cookie, notify, serverNow, showConnection, signedOut, twoStep } from './common.js';
import { Outbox } from './outbox.js';
import { swReady, wipeDevice } from './page.js';
import { setupPush } from './push.js';
import { setupAudio } from './sound.js';
import { getMeta, setMeta } from './store.js';
import { LocalSeqStore, StreamClient } from './stream.js';

/** A refused subscription means the streams the page knows are out of date: ask again. */
const REFUSED_RELOAD_MS = 3000;

const byId = (id) => document.getElementById(id);

export class FieldScreen {
  /**
   *   root: the screen's element, with data-user (the username).
   *   onMe(me): who the user is, now known or changed (the start, a join, a leave, a reload):
   *     load and show what goes with it (may return a promise).
   *   onEvent(event), onReset(stream): the stream's events, and "load your state again over
   *     HTTP" (a new subscription, or history gone).
   *   onStatus(state): the connection's state, after the page's connection indicator.
   *   outbox: the options of this screen's Outbox (outbox.js): onSent, onRefused, onChange,
   *     mine, dependsDetail, keepRefused, sendDirectly, detailFor...
   *   unit: for a screen whose user joins a unit (#join-unit, #join-button, #leave-button):
   *     {leaveConfirm: the second tap's label, left: the notice after leaving, onLeft()}.
   *   wakeLock: keep the screen on while it is shown.
   */
  constructor({ root, onMe, onEvent, onReset, onStatus, outbox = {}, unit = null, wakeLock = false }) {
    this.user = root.dataset.user;
    this.me = null;
    this.embeddedMe = JSON.parse(byId('me')?.textContent || 'null');
    this.onMe = onMe || (() => {});
    this.wakeLock = wakeLock;
    this.outbox = new Outbox({
      user: this.user, csrf: () => cookie('csrftoken'), signedOut, registration: swReady, ...outbox,
    });
    this.stream = new StreamClient({
      ack: true,
      store: new LocalSeqStore(),
      onEvent,
      onReset,
      onStatus: (state) => {
        showConnection(state);
        onStatus?.(state);
      },
      onRefused: () => setTimeout(() => this.loadMe(), REFUSED_RELOAD_MS),
    });
    if (unit) this.unitControls(unit);
  }

  /** Who the user is: the page's copy at the start, else /api/me/ (the kept copy offline). */
  async loadMe() {
    const key = `me.${this.user}`;
    const kept = await getMeta(key).catch(() => null); // {me, at}
    let me;
    try {
      if (this.embeddedMe) {
        const { at, ...fromPage } = this.embeddedMe;
        this.embeddedMe = null;
        // Without network the page is the worker's copy: what the device learnt last counts.
        const keptIsNewer = kept && (!navigator.onLine || Date.parse(kept.at) > Date.parse(at));
        me = keptIsNewer ? kept.me : fromPage;
        if (!keptIsNewer) setMeta(key, { me, at }).catch(() => {});
      } else {
        me = await api('/api/me/');
        setMeta(key, { me, at: serverNow().toISOString() }).catch(() => {});
      }
    } catch (err) {
      if (err.status !== 0 || !kept) {
        if (err.status !== 0) notify(err.detail, 'error');
        return;
      }
      me = kept.me; // offline start: who we were, as last known
    }
    this.me = me;
    this.stream.setStreams(me.streams || [], me.heads);
    await this.onMe(me);
  }

  unitControls({ leaveConfirm, left, onLeft }) {
    byId('join-button').addEventListener('click', async () => {
      const id = byId('join-unit').value;
      if (!id) {
        byId('join-unit').focus();
        return;
      }
      try {
        await api(`/api/units/${id}/join/`, { method: 'POST' });
        await this.loadMe();
      } catch (err) {
        notify(err.detail, 'error');
      }
    });
    twoStep(byId('leave-button'), leaveConfirm, async () => {
      try {
        await api('/api/units/leave/', { method: 'POST' });
        await wipeDevice(); // shift over: no patient data stays on the device
        onLeft?.();
        notify(left, 'info');
        await this.loadMe();
      } catch (err) {
        notify(err.detail, 'error');
      }
    });
  }

  /** Start: sound, the outbox, who the user is (and so the stream), what waits is sent, then
      the offer of alerts with the app closed (the screen's content first). */
  async start() {
    setupAudio(byId('audio-banner'));
    if (this.wakeLock) {
      document.addEventListener('visibilitychange', keepScreenOn);
      keepScreenOn();
    }
    this.outbox.start();
    await this.outbox.refresh();
    await this.loadMe();
    await this.outbox.flush();
    setupPush({ button: byId('push-button'), registration: swReady });
  }
}

let wakeLock = null;

/** Keep the screen on while shown (asked again each time it is shown: hiding releases it). */
async function keepScreenOn() {
  if (!('wakeLock' in navigator) || document.visibilityState !== 'visible' || wakeLock) return;
  try {
    wakeLock = await navigator.wakeLock.request('screen');
    wakeLock.addEventListener('release', () => { wakeLock = null; });
  } catch { /* not allowed here */ }
}
