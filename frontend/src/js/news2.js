/* NEWS2 (National Early Warning Score 2, Royal College of Physicians, 2017), computed in the
   browser for the dispatcher's live preview and for showing a referral's score when the server
   sent none. The server computes the score of record (referrals/) from the same chart.

   Vitals: {respiratory_rate, spo2, spo2_scale (1|2), on_oxygen, systolic_bp, pulse,
   consciousness (A, C, V, P, U), temperature}. A parameter left out scores nothing and makes the
   score incomplete. */

import { t } from './common.js';

function respiration(rate) {
  if (rate <= 8) return 3;
  if (rate <= 11) return 1;
  if (rate <= 20) return 0;
  if (rate <= 24) return 2;
  return 3;
}

function spo2Scale1(s) {
  if (s <= 91) return 3;
  if (s <= 93) return 2;
  if (s <= 95) return 1;
  return 0;
}

/** Scale 2: for patients with hypercapnic respiratory failure (a target of 88–92 %). */
function spo2Scale2(s, onOxygen) {
  if (s <= 83) return 3;
  if (s <= 85) return 2;
  if (s <= 87) return 1;
  if (s <= 92 || !onOxygen) return 0;
  if (s <= 94) return 1;
  if (s <= 96) return 2;
  return 3;
}

function systolic(bp) {
  if (bp <= 90) return 3;
  if (bp <= 100) return 2;
  if (bp <= 110) return 1;
  if (bp <= 219) return 0;
  return 3;
}

function pulse(p) {
  if (p <= 40) return 3;
  if (p <= 50) return 1;
  if (p <= 90) return 0;
  if (p <= 110) return 1;
  if (p <= 130) return 2;
  return 3;
}

function temperature(t) {
  if (t <= 35.0) return 3;
  if (t <= 36.0) return 1;
  if (t <= 38.0) return 0;
  if (t <= 39.0) return 1;
  return 2;
}

const num = (v) => (v === '' || v == null || Number.isNaN(Number(v)) ? null : Number(v));

/** The chart's parameters that were given, each with its points. */
export function news2Parts(vitals = {}) {
  const parts = {};
  const rr = num(vitals.respiratory_rate);
  if (rr != null) parts.respiratory_rate = respiration(rr);
  const spo2 = num(vitals.spo2);
  const oxygen = vitals.on_oxygen == null || vitals.on_oxygen === '' ? null : Boolean(vitals.on_oxygen);
  if (spo2 != null) {
    parts.spo2 = Number(vitals.spo2_scale) === 2 ? spo2Scale2(spo2, Boolean(oxygen)) : spo2Scale1(spo2);
  }
  if (oxygen != null) parts.on_oxygen = oxygen ? 2 : 0;
  const bp = num(vitals.systolic_bp);
  if (bp != null) parts.systolic_bp = systolic(bp);
  const hr = num(vitals.pulse);
  if (hr != null) parts.pulse = pulse(hr);
  if (vitals.consciousness) parts.consciousness = String(vitals.consciousness).toUpperCase() === 'A' ? 0 : 3;
  const temp = num(vitals.temperature);
  if (temp != null) parts.temperature = temperature(temp);
  return parts;
}

export const NEWS2_PARAMETERS = ['respiratory_rate', 'spo2', 'on_oxygen', 'systolic_bp', 'pulse',
  'consciousness', 'temperature'];

/**
 * {score, complete, band: 'low'|'medium'|'high'|null, single3, parts}. The band: 0–4 low,
 * 5–6 medium, 7 or more high; a single parameter scoring 3 raises a low total to high
 * (the chart's "red score": an urgent response), so the colour never hides it.
 */
export function news2(vitals) {
  const parts = news2Parts(vitals || {});
  const given = Object.keys(parts);
  if (!given.length) return { score: null, complete: false, band: null, single3: false, parts };
  const score = given.reduce((sum, k) => sum + parts[k], 0);
  const single3 = given.some((k) => parts[k] === 3);
  return {
    score, parts, single3,
    complete: NEWS2_PARAMETERS.every((k) => k in parts),
    band: bandOf(score, single3),
  };
}

export function bandOf(score, single3 = false) {
  if (score == null) return null;
  if (score >= 7 || single3) return 'high';
  if (score >= 5) return 'medium';
  return 'low';
}

const VITAL_KEYS = ['respiratory_rate', 'spo2', 'spo2_scale', 'on_oxygen', 'systolic_bp', 'pulse',
  'consciousness', 'temperature'];

/** A referral's vital signs, nested (handover.vitals, vitals) or flat on the referral. */
export function referralVitals(referral) {
  const nested = referral?.handover?.vitals || referral?.vitals;
  if (nested) return nested;
  const flat = {};
  for (const k of VITAL_KEYS) if (referral?.[k] != null && referral[k] !== '') flat[k] = referral[k];
  return Object.keys(flat).some((k) => k !== 'spo2_scale') ? flat : null;
}

/** A referral's score as the server sent it (a number or {score, band, ...}), else computed. */
export function referralNews2(referral) {
  const vitals = referralVitals(referral);
  const local = news2(vitals);
  let server = referral?.news2 ?? referral?.handover?.news2;
  if (server == null && referral?.news2_score != null) {
    server = { score: referral.news2_score, complete: referral.news2_complete, single_three: referral.news2_single_three };
  }
  if (server == null) return local;
  if (typeof server === 'number') {
    return { ...local, score: server, band: bandOf(server, local.single3), complete: local.complete };
  }
  if (typeof server === 'object') {
    const score = server.score ?? server.total ?? local.score;
    const single3 = server.single_three ?? server.single_parameter_3 ?? server.single3 ?? local.single3;
    const band = normaliseBand(server.band ?? server.risk) || bandOf(score, single3);
    return { ...local, score, single3, band, complete: server.complete ?? local.complete };
  }
  return local;
}

function normaliseBand(value) {
  if (!value) return null;
  const v = String(value).toLowerCase();
  if (v.startsWith('high')) return 'high';
  if (v.startsWith('medium')) return 'medium';
  if (v.includes('low_medium') || v.includes('low-medium') || v.includes('single')) return 'high';
  if (v.startsWith('low')) return 'low';
  return null;
}

/** Inline hints: what the chart counts as normal (0 points), and what the server accepts at all
    (referrals/news2.py RANGES). */
export const VITAL_RANGES = {
  respiratory_rate: { min: 0, max: 80, step: 1, normal: '12–20' },
  spo2: { min: 50, max: 100, step: 1, normal: '≥ 96' },
  systolic_bp: { min: 40, max: 300, step: 1, normal: '111–219' },
  pulse: { min: 20, max: 300, step: 1, normal: '51–90' },
  temperature: { min: 25, max: 45, step: 0.1, normal: '36,1–38,0' },
};

/** One line of the vital signs, e.g. "AF 22 · SpO₂ 93 % · BT 105 · Puls 112 · ACVPU A · Temp 38,4 °C". */
export function vitalsText(v) {
  if (!v) return '';
  const parts = [];
  if (v.respiratory_rate != null && v.respiratory_rate !== '') parts.push(`${t('referral.vital.rr')} ${v.respiratory_rate}`);
  if (v.spo2 != null && v.spo2 !== '') {
    parts.push(`SpO₂ ${v.spo2} %${Number(v.spo2_scale) === 2 ? ` (${t('referral.vital.scale2')})` : ''}${v.on_oxygen ? ` ${t('referral.vital.oxygen')}` : ''}`);
  } else if (v.on_oxygen) {
    parts.push(t('referral.vital.oxygen'));
  }
  if (v.systolic_bp != null && v.systolic_bp !== '') parts.push(`${t('referral.vital.bp')} ${v.systolic_bp}`);
  if (v.pulse != null && v.pulse !== '') parts.push(`${t('referral.vital.pulse')} ${v.pulse}`);
  if (v.consciousness) parts.push(`ACVPU ${v.consciousness}`);
  if (v.temperature != null && v.temperature !== '') parts.push(`${t('referral.vital.temp')} ${String(v.temperature).replace('.', ',')} °C`);
  return parts.join(' · ');
}
