/* NEWS2 (National Early Warning Score 2, Royal College of Physicians, 2017): a generic evaluator
   of the server's chart, for the dispatcher's live preview and for showing a referral's score
   when the server sent none. The chart is data from referrals/news2.py (chart_table(), embedded
   in the page as JSON and handed in as `chart`): no number of the chart is written here. Pure
   (no DOM), so tests/js/news2.test.mjs runs it against tests/vectors/news2.json, as the Python
   suite runs the server's evaluator.

   Vitals: {respiratory_rate, spo2, spo2_scale (1|2), on_oxygen, systolic_bp, pulse,
   consciousness (A, C, V, P, U), temperature}. A parameter left out scores nothing and makes the
   score incomplete. */

/** What the band holding value gives: bands are [highest value, what], the last one open. */
function bandValue(bands, value) {
  for (const [top, given] of bands) if (top == null || value <= top) return given;
  return undefined;
}

/** Which SpO2 table scores: scale 1, or scale 2 on air (an unknown supply counts as air) or
    on oxygen. */
const spo2Bands = (scale, onOxygen) => (Number(scale) !== 2 ? 'spo2_scale_1'
  : onOxygen ? 'spo2_scale_2_oxygen' : 'spo2_scale_2_air');

/** One parameter's points on the chart (undefined for an ACVPU level the chart does not know). */
export function parameterPoints(chart, parameter, value, { spo2_scale: scale = 1, on_oxygen: onOxygen = null } = {}) {
  if (parameter === 'spo2') return bandValue(chart.bands[spo2Bands(scale, onOxygen)], value);
  if (parameter === 'on_oxygen') return chart.on_oxygen[value ? 'oxygen' : 'air'];
  if (parameter === 'consciousness') return chart.consciousness[String(value).toUpperCase()];
  return bandValue(chart.bands[parameter], value);
}

const num = (v) => (v === '' || v == null || Number.isNaN(Number(v)) ? null : Number(v));

/** The chart's parameters that were given, each with its points. */
export function news2Parts(chart, vitals = {}) {
  const oxygen = vitals.on_oxygen == null || vitals.on_oxygen === '' ? null : Boolean(vitals.on_oxygen);
  const given = {
    respiratory_rate: num(vitals.respiratory_rate), spo2: num(vitals.spo2), on_oxygen: oxygen,
    systolic_bp: num(vitals.systolic_bp), pulse: num(vitals.pulse),
    consciousness: vitals.consciousness || null, temperature: num(vitals.temperature),
  };
  const parts = {};
  for (const name of chart.parameters) {
    if (given[name] == null) continue;
    const points = parameterPoints(chart, name, given[name], { spo2_scale: vitals.spo2_scale, on_oxygen: oxygen });
    if (points != null) parts[name] = points;
  }
  return parts;
}

/** The chart's clinical risk of a complete score: low, low_medium (a single 3), medium, high. */
export function riskOf(chart, score, single3 = false) {
  const risk = bandValue(chart.risk, score);
  return single3 ? (chart.red_raises[risk] ?? risk) : risk;
}

/**
 * {score, complete, band: 'low'|'medium'|'high'|null, risk, single3, parts}. The band is the
 * colour: the risk of the sum, except that a single parameter scoring 3 shows high (the chart's
 * "red score": an urgent response), so the colour never hides it. The risk is the server's
 * (null while incomplete). With nothing given the score is null: nothing to show.
 */
export function news2(chart, vitals) {
  const parts = news2Parts(chart, vitals || {});
  const given = Object.keys(parts);
  if (!given.length) return { score: null, complete: false, band: null, risk: null, single3: false, parts };
  const score = given.reduce((sum, k) => sum + parts[k], 0);
  const single3 = given.some((k) => parts[k] === chart.red);
  const complete = chart.parameters.every((k) => k in parts);
  return {
    score, parts, single3, complete,
    band: bandOf(chart, score, single3),
    risk: complete ? riskOf(chart, score, single3) : null,
  };
}

export function bandOf(chart, score, single3 = false) {
  if (score == null) return null;
  if (single3) return 'high';
  return bandValue(chart.risk, score);
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
export function referralNews2(chart, referral) {
  const vitals = referralVitals(referral);
  const local = news2(chart, vitals);
  let server = referral?.news2 ?? referral?.handover?.news2;
  if (server == null && referral?.news2_score != null) {
    server = { score: referral.news2_score, complete: referral.news2_complete, single_three: referral.news2_single_three };
  }
  if (server == null) return local;
  if (typeof server === 'number') {
    return { ...local, score: server, band: bandOf(chart, server, local.single3), complete: local.complete };
  }
  if (typeof server === 'object') {
    const score = server.score ?? server.total ?? local.score;
    const single3 = server.single_three ?? server.single_parameter_3 ?? server.single3 ?? local.single3;
    const band = normaliseBand(server.band ?? server.risk) || bandOf(chart, score, single3);
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
