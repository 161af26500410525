/* How the follow-up screen writes its figures, in the page's language (Intl): seconds as
   "71 s" or "2 min 12 s", shares as "12,3 %", durations in a table as minutes:seconds, time
   in hours, and a target in words ("högst 80 s"). No figure (null) is "Ingen data", never 0. */

import { cookie, t } from './common.js';

export const LANG = document.documentElement.lang || 'sv';

const numbers = {};
function number(digits) {
  numbers[digits] ??= new Intl.NumberFormat(LANG, { maximumFractionDigits: digits });
  return numbers[digits];
}
let percent;
let dates;

/** Seconds as a person says them: under two minutes in seconds ("71 s", "7,5 s"), else
    minutes and seconds ("2 min 12 s"). */
export function seconds(s) {
  if (s == null) return t('followup.no_data');
  if (s < 120) return t('followup.seconds', { s: number(s < 10 ? 1 : 0).format(s) });
  const whole = Math.round(s);
  return t('followup.min_s', { m: Math.floor(whole / 60), s: whole % 60 });
}

/** A share 0..1 as a percentage with one decimal ("12,3 %"). */
export function share(x) {
  if (x == null) return t('followup.no_data');
  percent ??= new Intl.NumberFormat(LANG, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return percent.format(x);
}

/** A measure's value by its unit ("seconds" or "share"). */
export const value = (v, unit) => (unit === 'seconds' ? seconds(v) : share(v));

/** A duration in a table: minutes:seconds ("9:05"). */
export function minSec(s) {
  if (s == null) return '–';
  const whole = Math.round(s);
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

/** Seconds as hours ("1 234,5 h"). */
export const hours = (s) => (s == null ? '–' : t('followup.hours', { h: number(1).format(s / 3600) }));

export const integer = (n) => (n == null ? '–' : number(0).format(n));

/** A p-value as a person reads it ("p < 0,001", "p = 0,003"). */
export function pValue(p) {
  if (p == null) return '';
  if (p < 0.001) return `p < ${number(3).format(0.001)}`;
  return `p = ${number(3).format(p)}`;
}

/** A day ("2026-09-01") as the language writes it. */
export function day(iso) {
  if (!iso) return '';
  dates ??= new Intl.DateTimeFormat(LANG, { year: 'numeric', month: 'short', day: 'numeric' });
  const d = new Date(iso.length === 10 ? `${iso}T12:00` : iso);
  return Number.isNaN(d.getTime()) ? iso : dates.format(d);
}

/** A target in words: "högst 80 s", "minst 95,0 %". */
export const target = (tg, unit) => (tg ? `${tg.comparison_words} ${value(tg.value, unit)}` : t('followup.no_target'));

/** Put these children in node instead of what it held; a missing part (null, false) is left
    out (replaceChildren would write it as text). */
export function fill(node, ...children) {
  node.replaceChildren(...children.flat(Infinity).filter((c) => c != null && c !== false));
}

/** The page's setup (frontend.views.followup_setup): the defaults, the regions, the role. */
export const SETUP = JSON.parse(document.getElementById('followup-setup')?.textContent || '{}');

/** An export's address: the same query with format=csv or format=xlsx. */
export const exportUrl = (path, query, format) => `${path}?${new URLSearchParams({ ...query, format })}`;

/** POST a file (multipart, the CSRF token in its header); resolves {ok, status, data}. */
export async function upload(path, file) {
  const body = new FormData();
  body.append('file', file);
  const response = await fetch(path, {
    method: 'POST', body, credentials: 'same-origin', cache: 'no-store',
    headers: { Accept: 'application/json', 'X-CSRFToken': cookie('csrftoken') },
  });
  let data = null;
  try { data = await response.json(); } catch { data = null; }
  return { ok: response.ok, status: response.status, data };
}

/** The words of a refusal: DRF's {detail} or its field errors, joined. */
export function refusal(err) {
  const body = err?.body;
  if (body && typeof body === 'object' && !body.detail) {
    const words = Object.values(body).flat().filter((w) => typeof w === 'string');
    if (words.length) return words.join(' ');
  }
  return err?.detail || String(err);
}
