/* Follow-up records of flagged deviations (*avvikelser*, GET /api/followup/deviations/): what
   was flagged, who owns it, what was found, what was done and whether it is closed. The
   manager edits them (PATCH with the version read: a record someone else saved in between is
   refused with 409, and the screen reloads it and says so); a dispatcher reads them. */

import { api, el, notify, t } from './common.js';
import { SETUP, day, fill, pValue, refusal, value } from './followup-format.js';

const box = document.getElementById('records');
let owners = null;
let shown = { year: null, tertial: null };
let unitOf = () => undefined;
let controller = null;

function ownerChoices() {
  owners ??= api('/api/followup/owners/').catch((err) => { owners = null; throw err; });
  return owners;
}

/** Load the records of a tertial ({year, tertial}) and show them, open ones first. */
export async function loadRecords(q, { unitOf: units } = {}) {
  shown = { ...q };
  if (units) unitOf = units;
  controller?.abort();
  controller = new AbortController();
  try {
    const [records, people] = await Promise.all([
      api(`/api/followup/deviations/?${new URLSearchParams(q)}`, { signal: controller.signal }),
      SETUP.manager ? ownerChoices() : Promise.resolve([]),
    ]);
    render(records, people);
  } catch (err) {
    if (err?.name === 'AbortError') return;
    fill(box, el('p', { class: 'alert alert-error', role: 'alert' }, err.detail));
  }
}

/** Bring a record into view and give its first field the focus. */
export function showRecord(id) {
  const node = document.getElementById(`record-${id}`);
  if (!node) return;
  node.scrollIntoView({ block: 'center' });
  (node.querySelector('select, textarea, input') || node).focus({ preventScroll: true });
}

function facts(r) {
  const unit = unitOf(r.measure);
  const fmt = (v) => (unit ? value(v, unit) : String(v ?? '–'));
  return el('p', { class: 'fu-record-facts' },
    `${r.kind_words}. `,
    r.observed != null ? t('followup.record.observed', { value: fmt(r.observed), other: fmt(r.compared_with) }) : '',
    r.p_value != null ? ` (${pValue(r.p_value)})` : '',
    el('br'),
    t('followup.record.opened', { name: r.opened_by_name || '–', date: day(r.opened_at) }),
    r.closed_at ? ` · ${t('followup.record.closed_by', { name: r.closed_by_name || '–', date: day(r.closed_at) })}` : '');
}

function readOnly(r) {
  return el('dl', { class: 'fu-record-fields' },
    el('dt', {}, t('followup.record.owner')), el('dd', {}, r.owner_name || t('followup.record.nobody')),
    el('dt', {}, t('followup.record.finding')), el('dd', {}, r.finding || '–'),
    el('dt', {}, t('followup.record.action')), el('dd', {}, r.action || '–'));
}

function editor(r, people) {
  const id = (name) => `record-${r.id}-${name}`;
  const owner = el('select', { id: id('owner') },
    el('option', { value: '' }, t('followup.record.nobody')),
    people.map((p) => el('option', { value: p.id, selected: p.id === r.owner }, p.name)));
  const finding = el('textarea', { id: id('finding'), rows: 3, maxlength: 4000 }, r.finding || '');
  const action = el('textarea', { id: id('action'), rows: 3, maxlength: 4000 }, r.action || '');
  const closed = el('input', { type: 'checkbox', id: id('closed'), checked: Boolean(r.closed_at) });
  const save = el('button', { type: 'submit', class: 'btn btn-primary' }, t('followup.record.save'));
  const form = el('form', { class: 'fu-record-form' },
    el('label', { class: 'field', for: owner.id }, el('span', {}, t('followup.record.owner')), owner),
    el('label', { class: 'field', for: finding.id }, el('span', {}, t('followup.record.finding')), finding),
    el('label', { class: 'field', for: action.id }, el('span', {}, t('followup.record.action')), action),
    el('label', { class: 'field field-check', for: closed.id }, closed, el('span', {}, t('followup.record.closed'))),
    save);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    save.disabled = true;
    try {
      await api(`/api/followup/deviations/${r.id}/`, {
        method: 'PATCH',
        body: {
          owner: owner.value ? Number(owner.value) : null, finding: finding.value, action: action.value,
          closed: closed.checked, version: r.version,
        },
      });
      notify(t('followup.record.saved'), 'ok');
      await loadRecords(shown);
    } catch (err) {
      if (err.status === 409) {
        notify(t('followup.record.conflict'), 'warn');
        await loadRecords(shown);
        showRecord(r.id);
        return;
      }
      notify(refusal(err), 'error');
      save.disabled = false;
    }
  });
  return form;
}

function render(records, people) {
  if (!records.length) {
    fill(box, el('p', { class: 'fu-none' }, t('followup.record.none')));
    return;
  }
  const sorted = [...records].sort((a, b) => Number(Boolean(a.closed_at)) - Number(Boolean(b.closed_at)));
  fill(box, ...sorted.map((r) => el('article', {
    id: `record-${r.id}`, class: `fu-record${r.closed_at ? ' is-closed' : ''}`, tabindex: '-1',
    'aria-labelledby': `record-${r.id}-title`, dataset: { record: r.id, version: r.version },
  },
  el('h4', { id: `record-${r.id}-title` }, `${r.measure_name} · ${r.region_name} · `,
    el('span', { class: `fu-state${r.closed_at ? ' is-closed' : ' is-open'}` },
      r.closed_at ? t('followup.record.closed_state') : t('followup.record.open_state'))),
  facts(r),
  SETUP.manager ? editor(r, people) : readOnly(r))));
}
