/* The major incident's regions on the console (the healthcare region's alarm chain, seed 001):
   one row per region with its alarm sent, the CAP message delivered (or "ej levererad – försöker
   igen (n försök)" with the error in words), the acknowledgement (who, when, how), the blood
   centre's, and the pledges against the rule (≥ pledge_minimum secondary transports per
   region: "Uppfyllt" or "Under 5", colour and words); under it the region's pledges. Buttons
   record what a region said by phone (console-incident-forms.js). */

import { el, fmtTime, t } from './common.js';
import { openPhoneAck, openPhonePledge } from './console-incident-forms.js';

const w = (key, params) => t(`console.incident.${key}`, params);
const at = (iso) => fmtTime(iso, true);

function capCell(region) {
  const a = region.alarm;
  if (!a) return el('td', { class: 'ir-cap' }, '–');
  if (!region.has_endpoint) return el('td', { class: 'ir-cap is-none' }, w('no_endpoint'));
  if (a.cap_state === 'delivered' || a.delivered_at) {
    return el('td', { class: 'ir-cap is-delivered' }, at(a.delivered_at) || a.cap_state_text);
  }
  if (a.cap_state === 'pending') {
    return el('td', { class: 'ir-cap is-pending' },
      el('span', { class: 'ir-cap-retry' }, w('cap_retrying', { n: a.cap_attempts || 0 })),
      a.cap_error ? el('span', { class: 'ir-cap-error' }, w('cap_error', { error: a.cap_error })) : null);
  }
  return el('td', { class: 'ir-cap' }, a.cap_state_text || '–');
}

function ackCell(a) {
  if (!a) return el('td', { class: 'ir-ack' }, '–');
  if (!a.acknowledged_at) return el('td', { class: 'ir-ack is-waiting' }, w('not_acknowledged'));
  return el('td', { class: 'ir-ack is-acknowledged' }, w('acknowledged_by', {
    time: at(a.acknowledged_at), name: a.acknowledged_by || '', via: a.acknowledged_via_text || '',
  }));
}

function bloodCell(a) {
  if (!a) return el('td', { class: 'ir-blood' }, '–');
  if (!a.blood_centre_acknowledged_at) return el('td', { class: 'ir-blood is-waiting' }, w('not_acknowledged'));
  return el('td', { class: 'ir-blood is-acknowledged' },
    [at(a.blood_centre_acknowledged_at), a.blood_centre_acknowledged_by].filter(Boolean).join(' '));
}

/** "3 av 5" with a flag in words and colour: "Uppfyllt" or "Under 5". */
function pledgeCell(region, minimum) {
  const met = Boolean(region.rule_met);
  return el('td', { class: 'ir-pledged' },
    el('span', { class: 'ir-count' }, w('pledge_count', { n: region.pledged ?? 0, min: minimum })),
    ' ',
    el('span', { class: `ir-flag ${met ? 'is-met' : 'is-under'}`, dataset: { rule: met ? 'met' : 'under' } },
      met ? `✓ ${w('rule_met')}` : `! ${w('rule_under', { min: minimum })}`));
}

function pledgeItem(p) {
  const kind = p.kind_text || w(`pledge_kind_label.${p.kind}`);
  const parts = [
    w('pledge_line', { count: p.count, kind }),
    p.units?.length ? w('pledge_units', { units: p.units.map((u) => u.call_sign).join(', ') }) : null,
    p.available_at ? w('pledge_available', { time: fmtTime(p.available_at) }) : null,
    p.report_to ? w('pledge_report_to', { place: p.report_to }) : null,
    p.note || null,
  ].filter(Boolean);
  return el('li', { class: `ir-pledge${p.withdrawn_at ? ' is-withdrawn' : ''}`, dataset: { pledge: p.id } },
    el('span', { class: 'ir-pledge-what' }, parts.join(' · ')),
    el('span', { class: 'ir-pledge-how' }, ` (${w('pledge_via', { via: p.via_text || '', name: p.pledged_by || '', time: at(p.created_at) }).trim()})`),
    p.withdrawn_at ? el('span', { class: 'ir-pledge-withdrawn' }, ` – ${w('pledge_withdrawn')}`) : null);
}

/** The regions' table of `incident`; refresh(): fetch the incident again after an answer. */
export function regionsSection(incident, refresh) {
  const minimum = incident.pledge_minimum ?? 5;
  const open = incident.state === 'raised' || incident.state === 'confirmed';
  const rows = [];
  for (const r of incident.regions || []) {
    const a = r.alarm;
    const actions = open ? el('td', { class: 'ir-actions' },
      a && !a.acknowledged_at ? el('button', {
        type: 'button', class: 'btn btn-small btn-ghost ir-phone-ack',
        onclick: () => openPhoneAck(incident, r, refresh),
      }, w('phone_ack')) : null,
      el('button', {
        type: 'button', class: 'btn btn-small btn-ghost ir-phone-pledge',
        onclick: () => openPhonePledge(incident, r, refresh),
      }, w('phone_pledge'))) : el('td', {});
    rows.push(el('tr', { class: `incident-region${r.rule_met ? ' is-met' : ' is-under'}`, dataset: { region: r.code, regionId: r.id } },
      el('th', { scope: 'row', class: 'ir-name' }, r.name, r.own ? el('small', {}, ` ${w('own')}`) : null),
      el('td', { class: 'ir-sent' }, a?.sent_at ? at(a.sent_at) : w('not_sent')),
      capCell(r), ackCell(a), bloodCell(a), pledgeCell(r, minimum), actions));
    const pledges = r.pledges || [];
    rows.push(el('tr', { class: 'incident-pledges', dataset: { region: r.code } },
      el('td', { colspan: '7' },
        pledges.length
          ? el('ul', { class: 'ir-pledge-list', 'aria-label': `${w('pledges')}: ${r.name}` }, pledges.map(pledgeItem))
          : el('span', { class: 'hint' }, w('no_pledges')))));
  }
  return el('section', { class: 'incident-regions-box', 'aria-labelledby': 'incident-regions-title' },
    el('h3', { id: 'incident-regions-title' }, w('regions_title')),
    el('div', { class: 'incident-regions-scroll' },
      el('table', { class: 'incident-regions', id: 'incident-regions' },
        el('thead', {}, el('tr', {},
          ['col_region', 'col_alarm', 'col_cap', 'col_ack', 'col_blood', 'col_pledges'].map((k) => el('th', { scope: 'col' }, w(k))),
          el('th', { scope: 'col' }, el('span', { class: 'visually-hidden' }, w('phone_pledge'))))),
        el('tbody', {}, rows))));
}
