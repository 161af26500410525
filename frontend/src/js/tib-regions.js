/* The regions of the healthcare region once the alarm went out (the confirmed incident on TiB's
   screen): per region the alarm (sent, delivered to its CAP endpoint, acknowledged by whom and
   how, the blood centre's acknowledgement) and its pledges against the rule (at least
   `pledge_minimum` secondary transports per region), a region below it flagged in words, not by
   colour alone. What a region says by telephone TiB records here: its acknowledgement, or a
   pledge. */

import { el, t, uuid } from './common.js';
import {
  at, byAt, done, field, keep, sending,
} from './tib-parts.js';

function alarmLines(r) {
  const a = r.alarm;
  if (!a) return [el('p', { class: 'tib-flag' }, t('tib.not_alarmed'))];
  const delivery = r.has_endpoint
    ? t('tib.delivery', { state: a.cap_state_text || '' })
    : t('tib.no_endpoint');
  return [
    el('p', { class: 'tib-alarm-sent' }, t('tib.alarm_sent', { time: at(a.sent_at) })),
    el('p', { class: `tib-alarm-delivery cap-${a.cap_state}` }, delivery,
      a.cap_state === 'pending' && a.cap_attempts ? ` (${t('tib.attempts', { n: a.cap_attempts })})` : null,
      a.cap_error ? el('span', { class: 'tib-cap-error' }, ` ${a.cap_error}`) : null),
    a.acknowledged_at
      ? el('p', { class: 'tib-ack is-done' }, t('tib.acknowledged', {
        when: byAt(a.acknowledged_at, a.acknowledged_by), via: a.acknowledged_via_text || '' }))
      : el('p', { class: 'tib-ack tib-flag' }, t('tib.not_acknowledged')),
    a.blood_centre_acknowledged_at
      ? el('p', { class: 'tib-blood is-done' }, t('tib.blood_acknowledged', {
        when: byAt(a.blood_centre_acknowledged_at, a.blood_centre_acknowledged_by) }))
      : el('p', { class: 'tib-blood tib-flag' }, t('tib.blood_not_acknowledged')),
  ];
}

function pledgeLines(r, minimum) {
  const live = (r.pledges || []).filter((p) => !p.withdrawn_at);
  const short = Math.max(0, minimum - (r.pledged || 0));
  return [
    el('p', { class: `tib-rule ${r.rule_met ? 'is-met' : 'is-below'}`, dataset: { rule: r.rule_met ? 'met' : 'below' } },
      r.rule_met
        ? t('tib.rule_met', { n: r.pledged, min: minimum })
        : t('tib.rule_below', { n: r.pledged || 0, min: minimum, short })),
    live.length ? el('ul', { class: 'tib-pledges' }, live.map((p) => el('li', { dataset: { pledge: String(p.id) } },
      `${p.count} × ${p.kind_text}`,
      p.units?.length ? ` (${p.units.map((u) => u.call_sign).join(', ')})` : '',
      p.report_to ? ` · ${t('tib.report_to', { place: p.report_to })}` : '',
      p.available_at ? ` · ${t('tib.available_at', { time: at(p.available_at) })}` : '',
      el('span', { class: 'tib-pledge-by' }, ` · ${[p.pledged_by, p.via_text].filter(Boolean).join(', ')}`)))) : null,
  ];
}

/** A form opened by its button, kept across redraws. */
function opener(label, cls, form, controls) {
  const button = el('button', {
    type: 'button', class: `btn btn-ghost btn-small ${cls}`, 'aria-expanded': String(!form.hidden), 'aria-controls': controls,
  }, label);
  button.addEventListener('click', () => {
    form.hidden = !form.hidden;
    button.setAttribute('aria-expanded', String(!form.hidden));
    if (!form.hidden) form.querySelector('input, select')?.focus();
  });
  return button;
}

function ackForm(d, r, { post }) {
  const key = `ack:${d.id}:${r.id}`;
  return keep(key, () => {
    const by = el('input', { name: 'by', maxlength: '120', autocomplete: 'off', required: true });
    const blood = el('input', { type: 'checkbox', name: 'blood_centre' });
    const send = el('button', { type: 'submit', class: 'btn btn-primary btn-block tib-ack-send' }, t('tib.ack_send'));
    const form = el('form', { id: `tib-ack-form-${r.id}`, class: 'tib-form tib-ack-form', novalidate: true, hidden: true },
      field(t('tib.ack_by'), by),
      el('label', { class: 'field field-check' }, blood, el('span', {}, t('tib.ack_blood'))),
      send);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!by.value.trim()) {
        by.setAttribute('aria-invalid', 'true');
        by.focus();
        return;
      }
      const ok = await sending(send, () => post(`/api/incidents/${d.id}/regions/${r.id}/acknowledge/`,
        { by: by.value.trim(), blood_centre: blood.checked }));
      if (ok) done(form, key);
    });
    return form;
  });
}

function pledgeForm(d, r, { post, setup }) {
  const key = `pledge:${d.id}:${r.id}`;
  return keep(key, () => {
    const kind = el('select', { name: 'kind' }, (setup.pledge_kinds || []).map((k) => el('option', { value: k.code }, k.text)));
    const count = el('input', { name: 'count', type: 'number', min: '1', max: '99', inputmode: 'numeric', required: true });
    const reportTo = el('input', { name: 'report_to', maxlength: '200', autocomplete: 'off' });
    const by = el('input', { name: 'by_name', maxlength: '120', autocomplete: 'off' });
    const send = el('button', { type: 'submit', class: 'btn btn-primary btn-block tib-pledge-send' }, t('tib.pledge_send'));
    const form = el('form', { id: `tib-pledge-form-${r.id}`, class: 'tib-form tib-pledge-form', novalidate: true, hidden: true },
      field(t('tib.pledge_kind'), kind), field(t('tib.pledge_count'), count),
      field(t('tib.pledge_report_to'), reportTo), field(t('tib.pledge_by'), by), send);
    const idempotencyKey = uuid(); // one pledge, however often the button is pressed
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const n = Number(count.value);
      if (!Number.isInteger(n) || n < 1) {
        count.setAttribute('aria-invalid', 'true');
        count.focus();
        return;
      }
      const ok = await sending(send, () => post(`/api/incidents/${d.id}/pledges/`, {
        alarm_region: r.id, kind: kind.value, count: n, report_to: reportTo.value.trim(),
        by_name: by.value.trim(), via: 'phone', idempotency_key: idempotencyKey,
      }));
      if (ok) done(form, key);
    });
    return form;
  });
}

function regionItem(d, r, ctx, minimum) {
  const ack = ackForm(d, r, ctx);
  const pledge = pledgeForm(d, r, ctx);
  const below = !r.rule_met;
  return el('li', {
    class: `tib-region${below ? ' is-below' : ''}${r.alarm?.acknowledged_at ? ' is-acknowledged' : ''}`,
    dataset: { region: r.code, regionId: String(r.id) },
  },
  el('h4', { class: 'tib-region-name' }, r.name, r.own ? el('span', { class: 'tib-own' }, t('tib.own')) : null),
  ...alarmLines(r),
  ...pledgeLines(r, minimum),
  el('div', { class: 'tib-region-actions' },
    opener(t('tib.ack_open'), 'tib-ack-open', ack, ack.id),
    opener(t('tib.pledge_open'), 'tib-pledge-open', pledge, pledge.id)),
  ack, pledge);
}

/** The regions' section of a confirmed incident. */
export function renderRegions(d, ctx) {
  const minimum = d.pledge_minimum ?? ctx.setup.pledge_minimum ?? 5;
  const regions = d.regions || [];
  const below = regions.filter((r) => !r.rule_met);
  const acked = regions.filter((r) => r.alarm?.acknowledged_at).length;
  return el('section', { id: 'tib-regions-section', class: 'tib-section', 'aria-labelledby': 'tib-regions-title' },
    el('h3', { id: 'tib-regions-title' }, t('tib.regions')),
    el('p', { id: 'tib-regions-summary', class: 'tib-lead' },
      t('tib.acknowledged_n', { n: acked, of: regions.length })),
    el('p', { id: 'tib-rule-summary', class: below.length ? 'tib-flag' : 'tib-ok' },
      below.length
        ? t('tib.regions_below', { n: below.length, min: minimum, names: below.map((r) => r.name).join(', ') })
        : t('tib.regions_all_met', { min: minimum })),
    el('ul', { id: 'tib-regions', class: 'tib-regions' }, regions.map((r) => regionItem(d, r, ctx, minimum))));
}
