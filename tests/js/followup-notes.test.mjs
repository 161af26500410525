// The follow-up screen's notes beside a figure (frontend/src/js/followup-notes.js): measures
// 1 and 2 say when their times are (partly) the cases' own, and a region with a target of its
// own shows it.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ownTarget, sourceKey } from '../../frontend/src/js/followup-notes.js';

test('measures 1 and 2 name their source unless it is the calls', () => {
  assert.equal(sourceKey(1, { source: 'cases' }), 'm1_cases');
  assert.equal(sourceKey(1, { source: 'calls_and_cases' }), 'm1_calls_and_cases');
  assert.equal(sourceKey(2, { source: 'cases' }), 'm2_cases');
  assert.equal(sourceKey(1, { source: 'calls' }), null);
  assert.equal(sourceKey(1, { source: null }), null);
  assert.equal(sourceKey(3, { source: 'cases' }), null);
  assert.equal(sourceKey(2, undefined), null);
});

test("a region's own target is shown only when it differs from the all-regions one", () => {
  const all = { comparison: 'at_most', value: 80, valid_from: '2022-01-01' };
  const own = { comparison: 'at_most', value: 60, valid_from: '2025-01-01' };
  assert.equal(ownTarget(all, own), own);
  assert.equal(ownTarget(all, { ...all }), null);
  assert.equal(ownTarget(null, own), own);
  assert.equal(ownTarget(all, null), null);
  assert.deepEqual(ownTarget(all, { ...all, comparison: 'at_least' }), { ...all, comparison: 'at_least' });
});
