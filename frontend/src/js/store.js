/* What the device keeps in IndexedDB (through idb), shared by the pages and the service worker.

   Two databases, so that what holds patient data can be wiped without touching the rest:
   - larmkedjan-outbox: the changes waiting to be sent (status, acknowledgement, position) and a
     few facts about the session (user, unit, CSRF token). No patient data: a change names the
     assignment by its id only.
   - larmkedjan-data: the current assignment of the signed-in crew member (address, notes,
     patient), so that a tablet started without network still shows it. One record per user,
     removed when the assignment ends, at sign-out and when the crew member leaves the unit.

   Caches: the service worker's runtime caches are named larmkedjan-*; the precache (static app
   shell only) is Workbox's own. */

import { deleteDB, openDB } from 'idb';

export const OUTBOX_DB = 'larmkedjan-outbox';
export const DATA_DB = 'larmkedjan-data';
export const CACHE_PREFIX = 'larmkedjan-';
export const API_CACHE = 'larmkedjan-api';
export const PAGE_CACHE = 'larmkedjan-pages';

const handles = new Map();

function open(name) {
  if (!handles.has(name)) {
    const promise = openDB(name, 1, {
      upgrade(db) {
        if (name === OUTBOX_DB) {
          const changes = db.createObjectStore('changes', { keyPath: 'id', autoIncrement: true });
          changes.createIndex('user', 'user');
          db.createObjectStore('meta');
        } else {
          db.createObjectStore('current', { keyPath: 'user' });
        }
      },
      // Another page or the worker wants to delete or upgrade: let go at once.
      blocking() {
        promise.then((db) => db.close());
        handles.delete(name);
      },
      terminated() {
        handles.delete(name);
      },
    });
    handles.set(name, promise);
    promise.catch(() => handles.delete(name));
  }
  return handles.get(name);
}

/* ---------- the outbox ---------- */

/** Queue a change; its id (an increasing number) is its place in the queue. */
export async function addChange(change) {
  const db = await open(OUTBOX_DB);
  return db.add('changes', { state: 'waiting', createdAt: new Date().toISOString(), ...change });
}

/** The user's changes in the order they were made. */
export async function changesFor(user) {
  const db = await open(OUTBOX_DB);
  const list = await db.getAllFromIndex('changes', 'user', user);
  return list.sort((a, b) => a.id - b.id);
}

export async function putChange(change) {
  const db = await open(OUTBOX_DB);
  await db.put('changes', change);
}

export async function deleteChange(id) {
  const db = await open(OUTBOX_DB);
  await db.delete('changes', id);
}

export async function getMeta(key) {
  const db = await open(OUTBOX_DB);
  return db.get('meta', key);
}

export async function setMeta(key, value) {
  const db = await open(OUTBOX_DB);
  await db.put('meta', value, key);
}

/* ---------- the current assignment (patient data) ---------- */

export async function saveCurrent(record) {
  const db = await open(DATA_DB);
  await db.put('current', record);
}

export async function loadCurrent(user) {
  const db = await open(DATA_DB);
  return db.get('current', user);
}

export async function dropCurrent(user) {
  const db = await open(DATA_DB);
  await db.delete('current', user);
}

/** Remove everything that could hold patient data: the data database and every runtime cache
    (API answers and pages). The outbox stays: it holds no patient data, and a change not yet
    sent must not be lost by signing out. */
export async function wipePatientData() {
  const jobs = [];
  try {
    const db = await open(DATA_DB);
    await db.clear('current');
    db.close();
  } catch { /* no database yet */ }
  handles.delete(DATA_DB);
  jobs.push(Promise.race([
    deleteDB(DATA_DB).catch(() => {}),
    new Promise((resolve) => setTimeout(resolve, 1000)), // blocked by another tab: cleared anyway
  ]));
  if (globalThis.caches) {
    const names = await caches.keys();
    for (const name of names) if (name.startsWith(CACHE_PREFIX)) jobs.push(caches.delete(name));
  }
  await Promise.all(jobs);
}
