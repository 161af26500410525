// "Navigera" (frontend/src/js/navigation.js): the platform of the device, and the link that
// opens its map app at the right place.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_TEMPLATE, devicePlatform, navigationUrl, opensWebPage } from '../../frontend/src/js/navigation.js';

const ANDROID = 'Mozilla/5.0 (Linux; Android 14; SM-T630) AppleWebKit/537.36 Chrome/131.0 Safari/537.36';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Mobile/15E148 Safari/604.1';
const IPAD_AS_MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 Version/17.5 Safari/605.1.15';
const LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36';

test('the platform: Android, iPhone, an iPad that says it is a Mac, a Mac, a desktop', () => {
  assert.equal(devicePlatform({ userAgent: ANDROID, platform: 'Linux armv8l', maxTouchPoints: 5 }), 'android');
  assert.equal(devicePlatform({ userAgent: IPHONE, platform: 'iPhone', maxTouchPoints: 5 }), 'ios');
  assert.equal(devicePlatform({ userAgent: IPAD_AS_MAC, platform: 'MacIntel', maxTouchPoints: 5 }), 'ios');
  assert.equal(devicePlatform({ userAgent: IPAD_AS_MAC, platform: 'MacIntel', maxTouchPoints: 0 }), 'other');
  assert.equal(devicePlatform({ userAgent: LINUX, platform: 'Linux x86_64', maxTouchPoints: 0 }), 'other');
  assert.equal(devicePlatform(undefined), 'other');
});

test('Android gets a geo: link with the place named, for any map app', () => {
  assert.equal(
    navigationUrl({ latitude: 59.6099, longitude: 16.5448, label: 'Stora torget 1', platform: 'android' }),
    'geo:59.6099,16.5448?q=59.6099,16.5448(Stora%20torget%201)');
  // Brackets would end the name early; å, ä, ö are encoded.
  assert.equal(
    navigationUrl({ latitude: 59.6, longitude: 16.5, label: 'Hjärtstartare (entré)', platform: 'android' }),
    'geo:59.6,16.5?q=59.6,16.5(Hj%C3%A4rtstartare%20entr%C3%A9)');
  assert.equal(navigationUrl({ latitude: 59.6, longitude: 16.5, platform: 'android' }), 'geo:59.6,16.5?q=59.6,16.5');
});

test('iPhone and iPad get Apple Maps, driving for the crew and walking for a volunteer', () => {
  assert.equal(navigationUrl({ latitude: 59.6099, longitude: 16.5448, platform: 'ios' }),
    'maps://?daddr=59.6099,16.5448&dirflg=d');
  assert.equal(navigationUrl({ latitude: 59.6099, longitude: 16.5448, platform: 'ios', mode: 'walk' }),
    'maps://?daddr=59.6099,16.5448&dirflg=w');
});

test('anything else gets the web template: OpenStreetMap by default, or the centre\'s', () => {
  assert.equal(navigationUrl({ latitude: 59.6099, longitude: 16.5448 }),
    'https://www.openstreetmap.org/directions?to=59.6099,16.5448');
  assert.equal(DEFAULT_TEMPLATE, 'https://www.openstreetmap.org/directions?to={lat},{lon}');
  assert.equal(
    navigationUrl({ latitude: 59.6099, longitude: 16.5448, label: 'Akuten', template: 'https://nav.example/go?d={lat},{lon}&n={label}' }),
    'https://nav.example/go?d=59.6099,16.5448&n=Akuten');
});

test('positions are rounded to a decimetre and a missing or impossible one gives no link', () => {
  assert.equal(navigationUrl({ latitude: 59.123456789, longitude: 16.987654321, platform: 'ios' }),
    'maps://?daddr=59.123457,16.987654&dirflg=d');
  assert.equal(navigationUrl({ latitude: '59.5', longitude: '16.25' }),
    'https://www.openstreetmap.org/directions?to=59.5,16.25');
  for (const [latitude, longitude] of [[null, 16], [59, undefined], ['x', 16], [91, 16], [59, 181]]) {
    assert.equal(navigationUrl({ latitude, longitude }), null, `${latitude},${longitude}`);
  }
});

test('a web link opens in a new tab, an app link does not', () => {
  assert.equal(opensWebPage('https://www.openstreetmap.org/directions?to=1,2'), true);
  assert.equal(opensWebPage('geo:1,2?q=1,2'), false);
  assert.equal(opensWebPage('maps://?daddr=1,2'), false);
  assert.equal(opensWebPage(null), false);
});
