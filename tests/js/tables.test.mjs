// The server's tables on a page (frontend/src/js/tables.js): read from the page, kept on the
// device, and a page older than its script (the worker's copy after an update) falls back to
// what the device was last given, or loads itself again when it knows nothing.

import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';

class Store {
  constructor() { this.items = new Map(); }
  getItem(key) { return this.items.has(key) ? this.items.get(key) : null; }
  setItem(key, value) { this.items.set(key, String(value)); }
}

let loaded = 0;
/** A fresh tables.js (its cache is per module) on a page that carries `tables` (or none). */
async function page({ tables, local = new Store(), online = true } = {}) {
  globalThis.document = {
    getElementById: (id) => (id === 'tables' && tables ? { textContent: JSON.stringify(tables) } : null),
  };
  globalThis.localStorage = local;
  globalThis.sessionStorage = new Store();
  const reloads = [];
  globalThis.location = { reload: () => reloads.push(Date.now()) };
  Object.defineProperty(globalThis, 'navigator', { value: { onLine: online }, configurable: true });
  loaded += 1;
  const module = await import(`../../frontend/src/js/tables.js?page=${loaded}`);
  return { table: module.table, reloads, local };
}

afterEach(() => {
  delete globalThis.document;
  delete globalThis.localStorage;
  delete globalThis.sessionStorage;
  delete globalThis.location;
});

const ASSIGNMENT = { rank: { alerted: 0, acknowledged: 1 }, active: ['alerted', 'acknowledged'] };

test('a table comes from the page and is kept on the device', async () => {
  const { table, reloads, local } = await page({ tables: { assignment: ASSIGNMENT } });
  assert.deepEqual(table('assignment'), ASSIGNMENT);
  assert.deepEqual(JSON.parse(local.getItem('larmkedjan.tables')), { assignment: ASSIGNMENT });
  assert.equal(reloads.length, 0);
});

test('an older page without the table uses what the device was last given', async () => {
  const first = await page({ tables: { assignment: ASSIGNMENT } });
  first.table('assignment');
  const stale = await page({ tables: null, local: first.local });
  assert.deepEqual(stale.table('assignment'), ASSIGNMENT);
  assert.equal(stale.reloads.length, 0);
});

test('the page keeps its own table over an older kept one', async () => {
  const local = new Store();
  local.setItem('larmkedjan.tables', JSON.stringify({ assignment: { rank: {}, active: [] } }));
  const { table } = await page({ tables: { assignment: ASSIGNMENT }, local });
  assert.deepEqual(table('assignment'), ASSIGNMENT);
});

test('a table known nowhere loads the page again, once a minute at most', async () => {
  const { table, reloads } = await page({ tables: { priority: { rank: {} } } });
  assert.equal(table('assignment'), undefined);
  assert.equal(table('assignment'), undefined);
  assert.equal(reloads.length, 1);
});

test('without network the page is not loaded again (it would be the same copy)', async () => {
  const { table, reloads } = await page({ tables: null, online: false });
  assert.equal(table('assignment'), undefined);
  assert.equal(reloads.length, 0);
});
