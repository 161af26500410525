// NEWS2 in the browser (frontend/src/js/news2.js) against the vectors the server's evaluator
// (referrals/news2.py, tests/referrals/test_news2.py) passes too. The chart is the one in the
// vectors file, which the Python suite checks equals what the server embeds in a page: so a
// change on either side that the other does not share fails one of the two suites.
// `node --test tests/js/`.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { bandOf, news2, parameterPoints, referralNews2, riskOf } from '../../frontend/src/js/news2.js';

const VECTORS = JSON.parse(readFileSync(new URL('../vectors/news2.json', import.meta.url), 'utf8'));
const CHART = VECTORS.chart;

test('every parameter vector scores the same points', () => {
  for (const v of VECTORS.points) {
    const got = parameterPoints(CHART, v.parameter, v.value, { spo2_scale: v.spo2_scale, on_oxygen: v.on_oxygen });
    assert.equal(got, v.points, JSON.stringify(v));
  }
});

test('every score vector gives the server\'s score, completeness, red score, risk and points', () => {
  for (const v of VECTORS.scores) {
    const got = news2(CHART, v.vitals);
    const points = Object.keys(v.points).length;
    // With nothing given the server sums to 0; the page shows no score at all.
    assert.equal(got.score, points ? v.score : null, v.name);
    assert.equal(got.complete, v.complete, v.name);
    assert.equal(got.single3, v.single_three, v.name);
    assert.equal(got.risk, points ? v.risk : null, v.name);
    assert.deepEqual(got.parts, v.points, v.name);
    assert.deepEqual(CHART.parameters.filter((p) => !(p in got.parts)), v.missing, v.name);
  }
});

test('the vectors cover every risk band and the red score', () => {
  const risks = new Set(VECTORS.scores.map((v) => v.risk));
  for (const risk of ['low', 'low_medium', 'medium', 'high']) assert.ok(risks.has(risk), risk);
});

test('form values arrive as text and are scored as numbers', () => {
  const got = news2(CHART, {
    respiratory_rate: '24', spo2: '93', spo2_scale: 1, on_oxygen: true, systolic_bp: '105',
    pulse: '115', consciousness: 'a', temperature: '38.5',
  });
  assert.equal(got.score, 10);
  assert.equal(got.complete, true);
  assert.equal(news2(CHART, { respiratory_rate: '', pulse: '' }).score, null);
});

test('the colour: the risk of the sum, and high for any red score', () => {
  assert.equal(bandOf(CHART, null), null);
  assert.equal(bandOf(CHART, 4), 'low');
  assert.equal(bandOf(CHART, 5), 'medium');
  assert.equal(bandOf(CHART, 7), 'high');
  assert.equal(bandOf(CHART, 3, true), 'high');
  assert.equal(bandOf(CHART, 6, true), 'high');
  assert.equal(riskOf(CHART, 3, true), 'low_medium');
  assert.equal(riskOf(CHART, 6, true), 'medium');
});

test('a referral shows the server\'s score when it sent one, else the computed one', () => {
  const vitals = { respiratory_rate: 26, pulse: 115 };
  assert.equal(referralNews2(CHART, { handover: { vitals } }).score, 5);
  const sent = referralNews2(CHART, { handover: { vitals, news2: { score: 6, complete: false, single_three: false, risk: null } } });
  assert.equal(sent.score, 6);
  assert.equal(sent.band, 'medium');
  assert.equal(referralNews2(CHART, { news2_score: 2, news2_single_three: true, respiratory_rate: 30 }).band, 'high');
});
