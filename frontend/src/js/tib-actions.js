/* What TiB does with a confirmed incident besides the regions: the switch to mass-casualty
   triage (masskadetriage: on the indicators of the server's list, never a copy here) and back,
   the METHANE report (the one in force, and a new version from it), and the stand-down (two
   taps: it goes to every region). */

import {
  el, t, twoStep, uuid,
} from './common.js';
import {
  byAt, done, fact, field, forget, keep, sending,
} from './tib-parts.js';

/* ---------- triage ---------- */

function triageForm(d, { post, setup }) {
  const key = `triage:${d.id}`;
  return keep(key, () => {
    const boxes = (setup.indicators || []).map((i) => el('label', { class: 'field field-check' },
      el('input', { type: 'checkbox', name: 'indicator', value: i.code }), el('span', {}, i.text)));
    const note = el('textarea', { id: 'tib-triage-note', name: 'note', rows: '2', maxlength: '500' });
    const send = el('button', { type: 'submit', id: 'tib-triage-send', class: 'btn btn-danger btn-block' }, t('tib.triage_send'));
    const idempotencyKey = uuid(); // one decision, however often it is sent
    const form = el('form', { id: 'tib-triage-form', class: 'tib-form', novalidate: true, hidden: true },
      el('fieldset', { class: 'tib-indicators' }, el('legend', {}, t('tib.triage_indicators')), boxes),
      field(t('tib.triage_note'), note), send);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const indicators = [...form.querySelectorAll('input[name=indicator]:checked')].map((c) => c.value);
      if (!indicators.length && boxes.length) {
        form.querySelector('.tib-error')?.remove();
        form.prepend(el('p', { class: 'tib-error', role: 'alert' }, t('tib.triage_needs_indicator')));
        form.querySelector('input[name=indicator]').focus();
        return;
      }
      const ok = await sending(send, () => post(`/api/incidents/${d.id}/triage/`,
        { active: true, indicators, note: note.value.trim(), idempotency_key: idempotencyKey }));
      if (ok) done(form, key);
    });
    return form;
  });
}

export function renderTriage(d, ctx) {
  const tr = d.triage;
  const on = Boolean(tr?.active);
  const parts = [el('h3', { id: 'tib-triage-title' }, t('tib.triage')),
    el('p', { id: 'tib-triage-state', class: on ? 'tib-flag' : 'tib-lead', dataset: { active: String(on) } },
      on ? t('tib.triage_active', { when: byAt(tr.decided_at, tr.decided_by) })
        : tr ? t('tib.triage_ended', { when: byAt(tr.decided_at, tr.decided_by) }) : t('tib.triage_normal')),
    on && tr.indicators?.length ? el('ul', { class: 'tib-indicator-list' }, tr.indicators.map((i) => el('li', {}, i.text))) : null,
    on && tr.note ? el('p', {}, tr.note) : null];
  if (d.may_decide && on) {
    const off = el('button', { type: 'button', id: 'tib-triage-off', class: 'btn btn-ghost btn-block' }, t('tib.triage_off'));
    // One key per decision it ends: a tap again after a lost answer records nothing twice.
    const idempotencyKey = keep(`triage-off-key:${d.id}:${tr.decided_at}`, uuid);
    twoStep(off, t('tib.triage_off_again'), async () => {
      await sending(off, () => ctx.post(`/api/incidents/${d.id}/triage/`,
        { active: false, indicators: [], note: '', idempotency_key: idempotencyKey }));
    }, { key: `triage-off:${d.id}` });
    parts.push(off);
  } else if (d.may_decide) {
    const form = triageForm(d, ctx);
    const open = el('button', {
      type: 'button', id: 'tib-triage-open', class: 'btn btn-warn btn-block',
      'aria-expanded': String(!form.hidden), 'aria-controls': 'tib-triage-form',
    }, t('tib.triage_switch'));
    open.addEventListener('click', () => {
      form.hidden = !form.hidden;
      open.setAttribute('aria-expanded', String(!form.hidden));
    });
    parts.push(open, form);
  }
  return el('section', { id: 'tib-triage', class: `tib-section${on ? ' is-triage' : ''}`, 'aria-labelledby': 'tib-triage-title' }, parts);
}

/* ---------- the METHANE report ---------- */

// The report's fields in METHANE's order: [name, kind].
const TEXTS = ['exact_location', 'incident_type', 'hazards', 'access'];
const COUNTS = ['casualties_total', 'casualties_red', 'casualties_yellow', 'casualties_green', 'casualties_dead'];
const SERVICES = ['services_present', 'services_required'];

function reportView(r) {
  if (!r) return el('p', { id: 'tib-report-none', class: 'tib-lead' }, t('tib.report_none'));
  const count = (name) => (r[name] == null ? null : String(r[name]));
  return el('dl', { id: 'tib-report-view', class: 'tib-facts tib-methane', dataset: { version: String(r.version) } },
    fact(t('tib.methane.major_incident_declared'), r.major_incident_declared ? t('tib.yes') : t('tib.no')),
    TEXTS.map((name) => fact(t(`tib.methane.${name}`), r[name])),
    COUNTS.map((name) => fact(t(`tib.methane.${name}`), count(name))),
    SERVICES.map((name) => fact(t(`tib.methane.${name}`), r[name])));
}

function reportForm(d, { post }) {
  const key = `report:${d.id}:${d.report?.version ?? 0}`;
  return keep(key, () => {
    const r = d.report || {};
    const declared = el('input', { type: 'checkbox', name: 'major_incident_declared', checked: Boolean(r.major_incident_declared) });
    const text = (name) => el('input', { name, value: r[name] || '', maxlength: '300', autocomplete: 'off' });
    const number = (name) => el('input', { name, type: 'number', min: '0', inputmode: 'numeric', value: r[name] ?? '' });
    const send = el('button', { type: 'submit', id: 'tib-report-send', class: 'btn btn-primary btn-block' }, t('tib.report_send'));
    const idempotencyKey = uuid(); // one new version, however often it is sent
    const form = el('form', { id: 'tib-report-form', class: 'tib-form', novalidate: true, hidden: true },
      el('label', { class: 'field field-check' }, declared, el('span', {}, t('tib.methane.major_incident_declared'))),
      TEXTS.map((name) => field(t(`tib.methane.${name}`), text(name))),
      el('div', { class: 'tib-counts' }, COUNTS.map((name) => field(t(`tib.methane.${name}`), number(name)))),
      SERVICES.map((name) => field(t(`tib.methane.${name}`), text(name))),
      send);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const body = { major_incident_declared: declared.checked, idempotency_key: idempotencyKey };
      for (const name of [...TEXTS, ...SERVICES]) body[name] = form.elements[name].value.trim();
      for (const name of COUNTS) {
        const v = form.elements[name].value;
        body[name] = v === '' ? null : Number(v);
      }
      const ok = await sending(send, () => post(`/api/incidents/${d.id}/reports/`, body));
      if (ok) done(form, key);
    });
    return form;
  });
}

export function renderReport(d, ctx) {
  const r = d.report;
  const title = d.state === 'raised' ? t('tib.first_report') : t('tib.report');
  const editable = d.state === 'raised' || d.state === 'confirmed';
  const form = editable ? reportForm(d, ctx) : null;
  const open = form ? el('button', {
    type: 'button', id: 'tib-report-edit', class: 'btn btn-ghost btn-block',
    'aria-expanded': String(!form.hidden), 'aria-controls': 'tib-report-form',
  }, t('tib.report_new')) : null;
  open?.addEventListener('click', () => {
    form.hidden = !form.hidden;
    open.setAttribute('aria-expanded', String(!form.hidden));
  });
  return el('section', { id: 'tib-report', class: 'tib-section', 'aria-labelledby': 'tib-report-title' },
    el('h3', { id: 'tib-report-title' }, title,
      r ? el('span', { class: 'tib-version' }, ` ${t('tib.version', { n: r.version, when: byAt(r.written_at, r.written_by) })}`) : null),
    reportView(r), open, form);
}

/* ---------- the stand-down ---------- */

export function renderStandDown(d, { post }) {
  const key = `standdown:${d.id}`;
  const note = keep(key, () => el('textarea', { id: 'tib-standdown-note', name: 'note', rows: '2', maxlength: '500' }));
  const button = el('button', { type: 'button', id: 'tib-standdown', class: 'btn btn-danger btn-block' }, t('tib.stand_down'));
  twoStep(button, t('tib.stand_down_again'), async () => {
    const ok = await sending(button, () => post(`/api/incidents/${d.id}/stand-down/`, { note: note.value.trim() }));
    if (ok) forget(key);
  }, { key: `standdown:${d.id}`, ms: 6000 });
  return el('section', { id: 'tib-standdown-section', class: 'tib-section', 'aria-labelledby': 'tib-standdown-title' },
    el('h3', { id: 'tib-standdown-title' }, t('tib.stand_down_title')),
    field(t('tib.stand_down_note'), note), button);
}
