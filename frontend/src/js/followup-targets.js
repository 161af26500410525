/* The targets (*målvärden*, GET /api/followup/targets/): each measure's target from a date on,
   for all regions or one. The manager adds one (POST) and deletes one not yet in force
   (DELETE; one in force is refused with the server's words). */

import { api, el, notify, t, twoStep } from './common.js';
import { measureCatalogue } from './followup-measures.js';
import { SETUP, day, fill, refusal, value } from './followup-format.js';

const $ = (id) => document.getElementById(id);
const body = $('targets-body');
let units = new Map();

export async function loadTargets() {
  try {
    const [targets, measures] = await Promise.all([api('/api/followup/targets/'), measureCatalogue()]);
    units = new Map(measures.map((m) => [m.measure, m.unit]));
    fillMeasures(measures);
    render(targets);
  } catch (err) {
    fill(body, el('p', { class: 'alert alert-error', role: 'alert' }, err.detail));
  }
}

function remove(tg) {
  const button = el('button', { type: 'button', class: 'btn btn-small btn-danger', 'aria-label': t('followup.targets.delete_named', { measure: tg.measure_name, date: day(tg.valid_from) }) },
    t('followup.targets.delete'));
  twoStep(button, t('followup.targets.delete_confirm'), async () => {
    try {
      await api(`/api/followup/targets/${tg.id}/`, { method: 'DELETE' });
      notify(t('followup.targets.deleted'), 'ok');
    } catch (err) {
      notify(refusal(err), 'error');
    }
    loadTargets();
  });
  return button;
}

function render(targets) {
  if (!targets.length) {
    fill(body, el('p', { class: 'fu-none' }, t('followup.targets.none')));
    return;
  }
  const cols = ['measure', 'region', 'target', 'valid_from', 'note', 'set_by'];
  fill(body, el('div', { class: 'fu-scroll', tabindex: '0', role: 'region', 'aria-labelledby': 'tab-targets' },
    el('table', { class: 'fu-table fu-targets' },
      el('thead', {}, el('tr', {}, cols.map((c) => el('th', { scope: 'col' }, t(`followup.targets.col.${c}`))),
        SETUP.manager ? el('th', { scope: 'col' }, el('span', { class: 'visually-hidden' }, t('followup.targets.delete'))) : null)),
      el('tbody', {}, targets.map((tg) => {
        const future = tg.valid_from > SETUP.today;
        return el('tr', { dataset: { target: tg.id } },
          el('th', { scope: 'row' }, tg.measure_name),
          el('td', {}, tg.region_name || t('followup.all_regions')),
          el('td', {}, `${tg.comparison_words} ${value(tg.value, units.get(tg.measure))}`),
          el('td', {}, day(tg.valid_from), future ? el('span', { class: 'fu-future' }, ` (${t('followup.targets.future')})`) : null),
          el('td', {}, tg.note || ''),
          el('td', {}, tg.set_by_name || ''),
          SETUP.manager ? el('td', {}, future ? remove(tg) : null) : null);
      })))));
}

/* ---------- the manager's form ---------- */

let filled = false;

function fillMeasures(measures) {
  const select = $('target-measure');
  if (!select || filled) return;
  filled = true;
  fill(select, ...measures.map((m) => el('option', { value: m.measure }, m.name)));
  showUnit();
}

function showUnit() {
  const unit = units.get(Number($('target-measure').value));
  $('target-unit').textContent = unit === 'share' ? '%' : 's';
  $('target-value').max = unit === 'share' ? '100' : '';
}

export function setupTargets() {
  const form = $('target-form');
  if (!form) return;
  const tomorrow = new Date(`${SETUP.today}T12:00`);
  tomorrow.setDate(tomorrow.getDate() + 1);
  $('target-from').value = tomorrow.toISOString().slice(0, 10);
  $('target-measure').addEventListener('change', showUnit);
  const error = $('target-error');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.hidden = true;
    const measure = Number($('target-measure').value);
    const raw = Number(String($('target-value').value).replace(',', '.'));
    if (!$('target-value').value || Number.isNaN(raw) || !$('target-from').value) {
      error.textContent = t('followup.targets.incomplete');
      error.hidden = false;
      return;
    }
    const share = units.get(measure) === 'share';
    try {
      await api('/api/followup/targets/', {
        method: 'POST',
        body: {
          measure, region: $('target-region').value ? Number($('target-region').value) : null,
          comparison: $('target-comparison').value, value: share ? raw / 100 : raw,
          valid_from: $('target-from').value, note: $('target-note').value,
        },
      });
      notify(t('followup.targets.added'), 'ok');
      $('target-value').value = '';
      $('target-note').value = '';
      loadTargets();
    } catch (err) {
      error.textContent = refusal(err);
      error.hidden = false;
    }
  });
}
