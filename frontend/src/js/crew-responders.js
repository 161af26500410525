/* The first responders (IVPA) on the crew card: how many are on their way and how many have
   arrived, how many bring a defibrillator, each one's kind and expected arrival; never who
   they are. Fetched once per assignment (GET /api/ivpa/assignments/{id}/responders/), then
   kept current by `responders.updated` on the unit's stream. Hidden while there are none. */

import { api, el, fmtTime, t } from './common.js';

const $ = (id) => document.getElementById(id);
const byAssignment = new Map(); // assignment id -> the summary
const asked = new Set(); // assignment ids fetched (or being fetched)
let shown = null;
let drawn = '';

export function respondersReset() {
  asked.clear();
}

/** `responders.updated`: true when taken. */
export function respondersEvent(event) {
  if (event.type !== 'responders.updated') return false;
  const d = event.data || {};
  if (d.assignment != null) byAssignment.set(d.assignment, d);
  if (shown && shown.id === d.assignment) renderResponders(shown);
  return true;
}

async function load(id) {
  asked.add(id);
  try {
    const summary = await api(`/api/ivpa/assignments/${id}/responders/`);
    if (!byAssignment.has(id)) byAssignment.set(id, summary);
  } catch (err) {
    if (err.status === 0 || err.status >= 500) asked.delete(id); // asked again later
  }
  if (shown?.id === id) renderResponders(shown);
}

function line(r) {
  const kind = t(`crew.card.responders.kind.${r.kind}`);
  const parts = [kind.startsWith('crew.') ? '' : kind];
  if (r.with_aed) parts.push(t('crew.card.responders.aed'));
  if (r.status === 'arrived') parts.push(t('crew.card.responders.arrived_at', { time: fmtTime(r.arrived_at) }));
  else if (r.expected_at) parts.push(t('crew.card.responders.expected', { time: fmtTime(r.expected_at) }));
  return parts.filter(Boolean).join(' · ');
}

/** The part for assignment a. */
export function renderResponders(a) {
  shown = a;
  if (!asked.has(a.id) && navigator.onLine !== false) load(a.id);
  const s = byAssignment.get(a.id);
  const sig = JSON.stringify([a.id, s, document.documentElement.lang]);
  if (sig === drawn) return;
  drawn = sig;
  const box = $('a-responders');
  box.hidden = !s || !(s.on_the_way + s.arrived);
  if (box.hidden) return;
  $('a-responders-summary').replaceChildren(
    el('b', { class: 'a-resp-n', dataset: { count: 'on_the_way' } }, t('crew.card.responders.on_the_way', { n: s.on_the_way })),
    ' · ',
    el('b', { class: 'a-resp-n', dataset: { count: 'arrived' } }, t('crew.card.responders.arrived', { n: s.arrived })),
    ' · ',
    el('span', { class: 'a-resp-n', dataset: { count: 'with_aed' } }, t('crew.card.responders.with_aed', { n: s.with_aed })));
  $('a-responders-list').replaceChildren(...s.responders.map((r) => el('li', {
    class: `a-resp st-${r.status}`, dataset: { status: r.status, aed: String(r.with_aed) },
  }, line(r))));
}
