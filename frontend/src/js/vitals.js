/* Vital signs on a page: NEWS2 scored with the chart the page carries (referrals/news2.py, by
   way of the "tables" JSON), a referral's vital signs on one line, and the hints of the form's
   fields (the chart's normal band and what the server accepts at all). */

import { t } from './common.js';
import { news2 as score, referralNews2 as referralScore } from './news2.js';
import { table } from './tables.js';

export { referralVitals } from './news2.js';

export const news2 = (vitals) => score(table('news2'), vitals);
export const referralNews2 = (referral) => referralScore(table('news2'), referral);

/** A number as the screens write it: a decimal comma, as many decimals as the step has. */
const decimal = (x, step) => (step < 1 ? Number(x).toFixed(1) : String(x)).replace('.', ',');

/** A field's limits ({min, max, step}) and its normal band as text, e.g. "12–20", "≥ 96". */
export function vitalRange(name) {
  const range = table('news2').ranges[name];
  const { min, max } = range.normal;
  const normal = min == null ? `≤ ${decimal(max, range.step)}`
    : max == null ? `≥ ${decimal(min, range.step)}`
      : `${decimal(min, range.step)}–${decimal(max, range.step)}`;
  return { min: range.min, max: range.max, step: range.step, normal };
}

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
