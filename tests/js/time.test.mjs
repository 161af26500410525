// Times on screen (frontend/src/js/time.js): a 24-hour clock in every language, how long ago,
// and both together. Dates are made from local parts, so the tests hold in any time zone.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { clockFormat, elapsedFormats } from '../../frontend/src/js/time.js';

/** A page's set of formatters, as common.js makes them. */
function timeFormats({ lang, t, now = () => new Date() }) {
  const fmtTime = clockFormat(lang);
  return { fmtTime, ...elapsedFormats({ t, now, fmtTime }) };
}

const STRINGS = {
  'time.seconds': '{n} s',
  'time.minutes': '{n} min',
  'time.hours': '{h} h {m} min',
  'time.since': '{time} ({elapsed} ago)',
};
const t = (key, params) => STRINGS[key].replace(/\{(\w+)\}/g, (m, name) => String(params[name]));
const NOW = new Date(2025, 2, 14, 14, 5, 9);
const ago = (ms) => new Date(NOW.getTime() - ms).toISOString();

test('a clock time has hours and minutes, seconds when asked', () => {
  const { fmtTime } = timeFormats({ lang: 'sv', t, now: () => NOW });
  assert.equal(fmtTime(NOW.toISOString()), '14:05');
  assert.equal(fmtTime(NOW.toISOString(), true), '14:05:09');
});

test('the clock is 24-hour in every language, midnight is 00', () => {
  const late = new Date(2025, 2, 14, 21, 7, 0).toISOString();
  const midnight = new Date(2025, 2, 14, 0, 30, 0).toISOString();
  for (const lang of ['sv', 'nb', 'en']) {
    const { fmtTime } = timeFormats({ lang, t });
    assert.equal(fmtTime(late), '21:07', lang);
    assert.equal(fmtTime(midnight), '00:30', lang);
  }
});

test('no time, or one that cannot be read, is shown as nothing', () => {
  const { fmtTime } = timeFormats({ lang: 'sv', t });
  for (const value of [null, undefined, '', 'not a time']) assert.equal(fmtTime(value), '');
});

test('how long ago: seconds, then minutes, then hours and minutes', () => {
  const { fmtElapsed } = timeFormats({ lang: 'sv', t, now: () => NOW });
  assert.equal(fmtElapsed(ago(0)), '0 s');
  assert.equal(fmtElapsed(ago(59_400)), '59 s');
  assert.equal(fmtElapsed(ago(59_600)), '1 min'); // rounded to 60 s
  assert.equal(fmtElapsed(ago(5 * 60_000 + 59_000)), '5 min');
  assert.equal(fmtElapsed(ago(59 * 60_000)), '59 min');
  assert.equal(fmtElapsed(ago(60 * 60_000)), '1 h 0 min');
  assert.equal(fmtElapsed(ago((2 * 60 + 5) * 60_000)), '2 h 5 min');
});

test('a time ahead of the clock (a device running late) is 0 s ago, never negative', () => {
  const { fmtElapsed } = timeFormats({ lang: 'sv', t, now: () => NOW });
  assert.equal(fmtElapsed(ago(-90_000)), '0 s');
});

test('the clock given is the one used (the server\'s, not the device\'s)', () => {
  let now = NOW;
  const { fmtElapsed } = timeFormats({ lang: 'sv', t, now: () => now });
  const at = NOW.toISOString();
  assert.equal(fmtElapsed(at), '0 s');
  now = new Date(NOW.getTime() + 3 * 60_000);
  assert.equal(fmtElapsed(at), '3 min');
});

test('since: the clock time and how long ago', () => {
  const { since } = timeFormats({ lang: 'sv', t, now: () => NOW });
  const at = new Date(2025, 2, 14, 13, 50, 0).toISOString();
  assert.equal(since(at), '13:50 (15 min ago)');
});
