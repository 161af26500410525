/* The referral form in the selected case on the console: the skills needed, the units
   proposed for the case (GET /api/referrals/proposals/: their load, and why the others cannot
   be chosen), the structured handover (reason, assessment, vital signs with the chart's normal
   range beside each, and a live NEWS2 preview), the callback number (the case's caller
   number), the latest time to be seen (now + 2 h) and the line (warm or cold). */

import { api, el, notify, serverNow, t } from './common.js';
import { table } from './tables.js';
import { news2, vitalRange } from './vitals.js';

const DEADLINE_HOURS = 2;

/** The skills a unit may offer, with their names ({code: label}, from the page). */
const SKILLS = JSON.parse(document.getElementById('i18n')?.textContent || '{}').referral?.skill || {};
const skillChoices = () => Object.entries(SKILLS);

function defaultDeadline() {
  const d = new Date(serverNow().getTime() + DEADLINE_HOURS * 3600000);
  d.setSeconds(0, 0);
  d.setMinutes(Math.ceil(d.getMinutes() / 5) * 5);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function vitalInput(c, name, label) {
  const id = `rf-${name}-${c.id}`;
  const range = vitalRange(name);
  const hintId = `${id}-hint`;
  return el('label', { class: 'field rf-vital', for: id },
    el('span', {}, label),
    el('input', {
      id, name, type: 'number', inputmode: name === 'temperature' ? 'decimal' : 'numeric',
      min: range.min, max: range.max, step: range.step, 'aria-describedby': hintId,
    }),
    el('small', { id: hintId }, t('console.referrals.range', { normal: range.normal, min: range.min, max: range.max })));
}

/** The form for case c; p is its panel (p.proposals: the units proposed). sent(referral): the
    server took it; close(): the form is done with. */
export function referralForm(c, p, { sent, close }) {
  const id = (name) => `rf-${name}-${c.id}`;
  const error = el('div', { class: 'alert alert-error rf-error', role: 'alert', hidden: true });
  const skills = el('fieldset', { class: 'rf-skills' }, el('legend', {}, t('console.referrals.skills')),
    skillChoices().map(([value, label]) => el('label', { class: 'check' },
      el('input', { type: 'checkbox', name: 'skills', value }), ' ', label)));
  const proposals = el('div', { class: 'rf-proposals', 'aria-live': 'polite' });
  p.proposals = proposals;
  const preview = el('output', { class: 'news2 band-none rf-news2', id: id('news2'), 'aria-live': 'polite' }, t('referral.news2_none'));
  const form = el('form', { class: 'referral-form', novalidate: true, autocomplete: 'off' },
    error,
    skills,
    el('fieldset', { class: 'rf-units' }, el('legend', {}, t('console.referrals.units')), proposals),
    el('label', { class: 'field', for: id('reason') }, el('span', {}, t('console.referrals.reason')),
      el('input', { id: id('reason'), name: 'reason', required: true, maxlength: '300' })),
    el('label', { class: 'field', for: id('assessment') }, el('span', {}, t('console.referrals.assessment')),
      el('textarea', { id: id('assessment'), name: 'assessment', maxlength: '2000', rows: '2' })),
    el('fieldset', { class: 'rf-vitals' }, el('legend', {}, t('console.referrals.vitals')),
      el('div', { class: 'rf-grid' },
        vitalInput(c, 'respiratory_rate', t('console.referrals.v.respiratory_rate')),
        vitalInput(c, 'spo2', t('console.referrals.v.spo2')),
        el('label', { class: 'field', for: id('spo2_scale') }, el('span', {}, t('console.referrals.v.spo2_scale')),
          el('select', { id: id('spo2_scale'), name: 'spo2_scale' },
            el('option', { value: '1' }, t('console.referrals.v.scale1')),
            el('option', { value: '2' }, t('console.referrals.v.scale2')))),
        el('label', { class: 'field', for: id('on_oxygen') }, el('span', {}, t('console.referrals.v.on_oxygen')),
          el('select', { id: id('on_oxygen'), name: 'on_oxygen' },
            el('option', { value: '' }, '–'),
            el('option', { value: 'false' }, t('console.referrals.v.air')),
            el('option', { value: 'true' }, t('console.referrals.v.oxygen')))),
        vitalInput(c, 'systolic_bp', t('console.referrals.v.systolic_bp')),
        vitalInput(c, 'pulse', t('console.referrals.v.pulse')),
        el('label', { class: 'field', for: id('consciousness') }, el('span', {}, t('console.referrals.v.consciousness')),
          el('select', { id: id('consciousness'), name: 'consciousness' },
            el('option', { value: '' }, '–'),
            Object.keys(table('news2').consciousness).map((v) => el('option', { value: v }, `${v} – ${t(`console.referrals.acvpu.${v}`)}`)))),
        vitalInput(c, 'temperature', t('console.referrals.v.temperature'))),
      el('p', { class: 'rf-news2-row' }, preview)),
    el('div', { class: 'row' },
      el('label', { class: 'field grow', for: id('callback') }, el('span', {}, t('console.referrals.callback')),
        el('input', { id: id('callback'), name: 'callback_number', type: 'tel', required: true, maxlength: '20', value: c.caller_number || '' })),
      el('label', { class: 'field grow', for: id('deadline') }, el('span', {}, t('console.referrals.deadline')),
        el('input', { id: id('deadline'), name: 'deadline', type: 'datetime-local', required: true, value: defaultDeadline() }))),
    el('fieldset', { class: 'rf-line' }, el('legend', {}, t('console.referrals.line')),
      ['warm', 'cold'].map((line) => el('label', { class: `check line-choice line-${line}` },
        el('input', { type: 'radio', name: 'line', value: line, required: true, checked: line === 'cold' }), ' ',
        t(`referral.line.${line}`), el('small', {}, ` – ${t(`referral.from.${line}`)}`)))),
    el('div', { class: 'rf-actions' },
      el('button', { type: 'submit', class: 'btn btn-primary btn-small rf-submit' }, t('console.referrals.send')),
      el('button', { type: 'button', class: 'btn btn-ghost btn-small rf-cancel', onclick: close }, t('console.referrals.cancel'))));

  const vitals = () => {
    const v = (name) => form.elements[name].value;
    const oxygen = v('on_oxygen');
    return {
      respiratory_rate: v('respiratory_rate'), spo2: v('spo2'), spo2_scale: Number(v('spo2_scale')),
      on_oxygen: oxygen === '' ? null : oxygen === 'true', systolic_bp: v('systolic_bp'), pulse: v('pulse'),
      consciousness: v('consciousness'), temperature: v('temperature'),
    };
  };
  const updatePreview = () => {
    const n = news2(vitals());
    preview.className = `news2 band-${n.band || 'none'} rf-news2`;
    preview.dataset.score = n.score ?? '';
    preview.dataset.band = n.band || '';
    preview.textContent = n.score == null ? t('referral.news2_none')
      : `${t('referral.news2', { score: n.score })} · ${t(`referral.band.${n.band}`)}${n.complete ? '' : ` (${t('referral.news2_incomplete')})`}${n.single3 && n.score < 7 ? ` · ${t('console.referrals.single3')}` : ''}`;
  };
  form.querySelector('.rf-vitals').addEventListener('input', updatePreview);
  form.querySelector('.rf-vitals').addEventListener('change', updatePreview);
  skills.addEventListener('change', () => loadProposals(c.id, p));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const unit = form.querySelector('input[name="unit"]:checked');
    const show = (message) => {
      error.hidden = !message;
      error.textContent = message || '';
    };
    if (!unit) {
      show(t('console.referrals.pick_unit'));
      return;
    }
    if (!form.reportValidity()) return;
    const v = vitals();
    const num = (x) => (x === '' || x == null ? null : Number(String(x).replace(',', '.')));
    const deadline = new Date(form.elements.deadline.value);
    const body = {
      case: c.id,
      unit: Number(unit.value),
      line: form.querySelector('input[name="line"]:checked')?.value || 'cold',
      skills: [...skills.querySelectorAll('input:checked')].map((n) => n.value),
      handover: {
        reason: form.elements.reason.value.trim(),
        assessment: form.elements.assessment.value.trim(),
        respiratory_rate: num(v.respiratory_rate), spo2: num(v.spo2), spo2_scale: v.spo2_scale,
        on_oxygen: v.on_oxygen, systolic_bp: num(v.systolic_bp), pulse: num(v.pulse),
        consciousness: v.consciousness || '', temperature: num(v.temperature),
      },
      deadline: Number.isNaN(deadline.getTime()) ? null : deadline.toISOString(),
      callback_number: form.elements.callback_number.value.trim(),
    };
    const submit = form.querySelector('.rf-submit');
    submit.disabled = true;
    try {
      const created = await api('/api/referrals/', { method: 'POST', body });
      show('');
      sent(created);
      form.reset();
      form.elements.callback_number.value = c.caller_number || '';
      form.elements.deadline.value = defaultDeadline();
      updatePreview();
      close();
      notify(t('console.referrals.sent', { unit: created.unit_call_sign || unit.dataset.callSign || '', ref: c.reference || '' }), 'ok');
    } catch (err) {
      show(err.detail);
      for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
      const fields = [...Object.keys(err.body?.errors || {}), err.body?.field].filter(Boolean);
      for (const name of fields) {
        const key = name.split('.').pop();
        (form.elements[key] || form.querySelector(`[name="${key}"]`))?.setAttribute?.('aria-invalid', 'true');
      }
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
/** Ask again which units may take the case, for the skills ticked now. */
export async function loadProposals(caseId, p) {
  const box = p.proposals;
  const skills = [...p.form.querySelectorAll('.rf-skills input:checked')].map((n) => n.value);
  const chosen = p.form.querySelector('input[name="unit"]:checked')?.value;
  p.asked = (p.asked || 0) + 1;
  const asked = p.asked;
  try {
    const answer = await api(`/api/referrals/proposals/?case=${caseId}&skills=${encodeURIComponent(skills.join(','))}`);
    if (asked !== p.asked) return; // a later question (other skills) is on its way
    const units = Array.isArray(answer) ? answer : answer?.units || answer?.results || [];
    if (!units.length) {
      box.replaceChildren(el('p', { class: 'hint' }, t('console.referrals.no_units')));
      return;
    }
    box.replaceChildren(...units.map((u) => proposalRow(caseId, u, chosen)));
    if (!p.form.querySelector('input[name="unit"]:checked')) {
      p.form.querySelector('input[name="unit"]:not(:disabled)')?.click();
    }
  } catch (err) {
    if (asked === p.asked) box.replaceChildren(el('p', { class: 'hint' }, err.detail));
  }
}

function proposalRow(caseId, u, chosen) {
  const unitId = u.unit ?? u.id ?? u.unit_id;
  const callSign = u.call_sign || u.unit_call_sign || '';
  const selectable = u.selectable !== false;
  const id = `rf-unit-${caseId}-${unitId}`;
  const open = u.open_referrals ?? u.load_open ?? u.open;
  const capacity = u.capacity ?? u.profile?.capacity;
  const reasons = u.reasons?.map?.((r) => r.message || r).join(' ') || u.reason || u.message || '';
  const reasonId = `${id}-why`;
  return el('label', { class: `rf-unit${selectable ? '' : ' is-unselectable'}`, for: id, dataset: { unit: unitId, callSign, selectable: String(selectable) } },
    el('input', {
      id, type: 'radio', name: 'unit', value: unitId, disabled: !selectable, checked: selectable && String(unitId) === String(chosen),
      'aria-describedby': reasons ? reasonId : null, dataset: { callSign },
    }),
    el('span', { class: 'rf-unit-name' }, callSign),
    open != null && capacity != null ? el('span', { class: 'rf-unit-load' }, t('console.referrals.load', { open, capacity })) : null,
    u.distance_m != null ? el('span', { class: 'rf-unit-distance' }, `${(u.distance_m / 1000).toLocaleString(document.documentElement.lang || 'sv', { maximumFractionDigits: 1 })} km`) : null,
    reasons ? el('span', { class: 'rf-unit-why', id: reasonId }, reasons) : null);
}
