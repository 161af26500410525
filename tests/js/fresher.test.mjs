// A list read over HTTP against the events that arrived while it was on its way
// (frontend/src/js/fresher.js): the console's units list must not undo a unit's alert.
// `node --test tests/js/`.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { rowsFresher } from '../../frontend/src/js/fresher.js';

test('a unit an event moved after the list was asked for keeps the event\'s status', () => {
  const known = new Map([[13, { id: 13, status: 'alerted', _seenAt: 2000 }]]);
  const rows = rowsFresher([{ id: 13, status: 'available' }, { id: 14, status: 'available' }], known, 1000);
  assert.equal(rows.get(13).status, 'alerted');
  assert.equal(rows.get(14).status, 'available');
});

test('a unit an event told of before the list was asked for takes the list\'s status', () => {
  const known = new Map([[13, { id: 13, status: 'alerted', _seenAt: 500 }]]);
  const rows = rowsFresher([{ id: 13, status: 'on_scene' }], known, 1000);
  assert.equal(rows.get(13).status, 'on_scene');
});

test('a unit the list no longer has is gone, whatever an event told', () => {
  const known = new Map([[13, { id: 13, status: 'alerted', _seenAt: 2000 }]]);
  assert.deepEqual([...rowsFresher([], known, 1000).keys()], []);
});
