/* The TiB screen's small shared parts: a fact row, a time in words, and the forms kept across
   redraws (an event redraws the incident while TiB may be typing a reason or a report: the
   form is the same node, drawn again in its place, with what was typed). */

import { el, fmtTime, t } from './common.js';

const kept = new Map(); // key -> node

/** The node kept under key, made by make() the first time. */
export function keep(key, make) {
  if (!kept.has(key)) kept.set(key, make());
  return kept.get(key);
}

/** Forget a kept node (a form sent: the next draw makes it empty again). */
export function forget(key) {
  kept.delete(key);
}

/** A form sent: emptied, closed (its opener says so) and forgotten, so the next draw starts
    afresh. */
export function done(form, key) {
  form.reset();
  form.hidden = true;
  document.querySelector(`[aria-controls="${form.id}"]`)?.setAttribute('aria-expanded', 'false');
  kept.delete(key);
}

/** "14:05" of a time, or the dash when there is none. */
export const at = (iso) => (iso ? fmtTime(iso) : '–');

/** One row of facts: <div><dt>label</dt><dd>value</dd></div>. */
export function fact(label, value, attrs = {}) {
  if (value == null || value === '') return null;
  return el('div', attrs, el('dt', {}, label), el('dd', {}, value));
}

/** "14:05 av Tove" (a time and who), or only the time. */
export function byAt(iso, who) {
  if (!iso) return '';
  return who ? t('tib.at_by', { time: fmtTime(iso), by: who }) : fmtTime(iso);
}

/** A labelled text input or textarea for a form. */
export function field(label, input) {
  return el('label', { class: 'field' }, el('span', {}, label), input);
}

/** Turn a form's submit button off while it is sent, and back on after. */
export async function sending(button, job) {
  button.disabled = true;
  try {
    return await job();
  } finally {
    button.disabled = false;
  }
}
