// The units the console marks held by a major incident (frontend/src/js/console-incident-held.js):
// the named units of pledges not withdrawn, of confirmed incidents not stood down; the first
// incident confirmed keeps a unit named twice. `node --test tests/js/`.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { heldFrom, heldUpdate, unitHeld } from '../../frontend/src/js/console-incident-held.js';

const pledge = (units, withdrawn = null) => ({ units: units.map((id) => ({ id, call_sign: `AMB ${id}` })), withdrawn_at: withdrawn });
const incident = (id, state, pledges, extra = {}) => ({
  id, title: `Händelse ${id}`, state, exercise: false, confirmed_at: `2026-12-07T0${id}:00:00Z`,
  stood_down_at: null, regions: [{ id: 1, own: true, pledges }], ...extra,
});

test('the units of a confirmed incident are held, withdrawn pledges are not', () => {
  const held = heldFrom([incident(1, 'confirmed', [pledge([10, 20]), pledge([30], '2026-12-07T02:00:00Z')])]);
  assert.deepEqual([...held.keys()].sort(), [10, 20]);
  assert.deepEqual(held.get(10), { incident: 1, title: 'Händelse 1', exercise: false });
});

test('a raised, rejected or stood-down incident holds nothing', () => {
  assert.equal(heldFrom([incident(1, 'raised', [pledge([10])])]).size, 0);
  assert.equal(heldFrom([incident(2, 'stood_down', [pledge([10])], { stood_down_at: '2026-12-07T03:00:00Z' })]).size, 0);
  assert.equal(heldFrom([incident(3, 'rejected', [pledge([10])])]).size, 0);
});

test('a unit named by two incidents is held by the first confirmed', () => {
  const held = heldFrom([incident(2, 'confirmed', [pledge([10])]), incident(1, 'confirmed', [pledge([10])])]);
  assert.equal(held.get(10).incident, 1);
});

test('an update says whether the held units changed', () => {
  assert.equal(heldUpdate([incident(1, 'confirmed', [pledge([10])])]), true);
  assert.equal(heldUpdate([incident(1, 'confirmed', [pledge([10])])]), false);
  assert.equal(unitHeld(10).title, 'Händelse 1');
  assert.equal(heldUpdate([incident(1, 'stood_down', [pledge([10])], { stood_down_at: '2026-12-07T03:00:00Z' })]), true);
  assert.equal(unitHeld(10), null);
});
