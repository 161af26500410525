/* The alert on the first responder's phone: what kind of case and how far, the two big answers
   while it rings, after accepting the way there (the defibrillator to fetch first, the
   address, the door code; the map and navigation are responder-map.js's) and "arrived", and
   the end (not needed, stood down, the outcome and a debriefing contact). Alert statuses' order and the engaged ones come from the
   page (ivpa.models, by way of frontend/tables.py). */

import { fmtTime, t } from './common.js';
import { durationText, renderResponderMap } from './responder-map.js';
import { table } from './tables.js';

const $ = (id) => document.getElementById(id);
const LANG = document.documentElement.lang || 'sv';
// The order an alert moves in (a higher rank is newer) and the statuses of a responder on the
// way or there.
export const ALERTS = table('alert') || { rank: {}, engaged: [] };
export const ENGAGED = new Set(ALERTS.engaged);
/** Still running for this responder: alerted, or on the way or there. */
export const isOpen = (a) => a.active !== false && (a.status === 'alerted' || ENGAGED.has(a.status));

const number1 = new Intl.NumberFormat(LANG, { maximumFractionDigits: 1, minimumFractionDigits: 1 });

function distanceText(metres) {
  if (metres == null) return '';
  if (metres < 1000) return t('ivpa.metres', { n: Math.round(metres / 10) * 10 });
  return t('ivpa.kilometres', { n: number1.format(metres / 1000) });
}

const caseTypeLabel = (a) => a.case_type_label || t(`ivpa.case_type.${a.case_type}`);

/** The alert card for a; none shown when a is null. cooling: the answer buttons wait (a second
    tap of a gloved thumb is not an answer). */
export function renderAlert(a, { cooling }) {
  $('idle').hidden = Boolean(a);
  const card = $('alert');
  card.hidden = !a;
  if (!a) {
    renderResponderMap(null);
    document.title = 'IVPA · Larmkedjan';
    return;
  }
  const open = isOpen(a);
  const status = a.status === 'alerted' && a.seen_at ? 'alerted' : a.status;
  card.dataset.id = a.id;
  card.dataset.status = a.status;
  card.dataset.active = String(a.active !== false);
  card.classList.toggle('is-ringing', open && a.status === 'alerted');
  const badge = $('al-status');
  badge.className = `badge al-status ivpa-st-${a.status}`;
  badge.textContent = t(`ivpa.status.${status}`);
  $('al-time').textContent = fmtTime(a.alerted_at, true);
  $('al-type').textContent = caseTypeLabel(a);
  document.title = `${caseTypeLabel(a)} · IVPA`;
  $('al-distance').textContent = t('responder.distance', { distance: distanceText(a.distance_m) });
  $('al-eta').textContent = a.eta_s == null ? ''
    : t('responder.eta', { eta: durationText(a.eta_s) }) + (a.eta_source === 'estimate' ? ` (${t('ivpa.estimated')})` : '');
  $('al-eta').dataset.source = a.eta_source || '';
  $('al-eta').hidden = !open;

  const answering = open && a.status === 'alerted';
  $('al-answer').hidden = !answering;
  for (const id of ['al-accept', 'al-decline', 'al-arrived']) $(id).disabled = cooling;
  const note = $('al-note');
  note.hidden = true;
  if (a.status === 'declined' && a.active !== false) {
    note.hidden = false;
    note.textContent = t('responder.declined');
  } else if (open && a.status === 'accepted' && a.accepted_at) {
    note.hidden = false;
    note.textContent = t('responder.accepted_at', { time: fmtTime(a.accepted_at) });
  }

  const engaged = open && ENGAGED.has(a.status);
  $('al-dest').hidden = !engaged;
  if (engaged) renderDestination(a);
  renderResponderMap(engaged ? a : null);

  const end = $('al-end');
  const ended = !open && !(a.status === 'declined' && a.active !== false);
  end.hidden = !ended;
  end.dataset.kind = a.status === 'not_needed' ? 'not_needed' : a.status === 'stood_down' ? 'stood_down' : 'ended';
  if (ended) {
    let text;
    if (a.status === 'not_needed') text = `${t('responder.not_needed')} ${t('responder.not_needed_more')}`;
    else if (a.status === 'stood_down' && a.end_reason !== 'ambulance_arrived') {
      text = a.end_reason ? t('responder.ended', { reason: t(`ivpa.end.${a.end_reason}`) })
        : t('responder.stood_down');
    } else if (a.end_reason) {
      text = `${t('responder.ended', { reason: t(`ivpa.end.${a.end_reason}`) })} ${t('responder.thanks')}`;
    } else text = t('responder.stood_down');
    $('al-end-text').textContent = text;
    const after = a.after || null;
    $('al-after-outcome').hidden = !after?.outcome;
    $('al-after-outcome').textContent = after?.outcome ? t('responder.outcome', { outcome: after.outcome }) : '';
    $('al-after-debrief').hidden = !after?.debrief_contact;
    $('al-after-debrief').textContent = after?.debrief_contact
      ? t('responder.debrief', { contact: after.debrief_contact }) : '';
  }
  $('al-close').hidden = open;
}

function renderDestination(a) {
  const dest = a.destination;
  $('al-route').textContent = a.route === 'aed' ? t('responder.aed_first') : t('responder.direct');
  $('al-route').dataset.route = a.route || '';
  const aed = dest?.aed || null;
  $('al-aed').hidden = !(a.route === 'aed' && aed);
  if (aed) {
    $('al-aed-name').textContent = aed.name;
    $('al-aed-location').textContent = [aed.location, aed.address].filter(Boolean).join(', ');
    $('al-aed-code-row').hidden = !aed.access_code;
    $('al-aed-code').textContent = aed.access_code || '';
    $('al-aed-hours').textContent = aed.opening_hours_text ?? aed.opening_hours ?? '';
  }
  $('al-address').textContent = dest?.address || '…';
  $('al-municipality').textContent = dest?.municipality || '';
  $('al-door-row').hidden = !dest?.door_code;
  $('al-door').textContent = dest?.door_code || '';
  $('al-arrived').hidden = a.status !== 'accepted';
  $('al-arrived-at').hidden = a.status !== 'arrived';
  $('al-arrived-at').textContent = a.arrived_at ? t('responder.arrived_at', { time: fmtTime(a.arrived_at) }) : '';
}
