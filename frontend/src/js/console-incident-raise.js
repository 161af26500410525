/* Raising a possible major incident (*särskild händelse*) from the console: "Särskild händelse"
   in the top bar opens a form with a title, the open cases to join (the selected case ticked),
   the location and region taken from the selected case, "Övning" and the first METHANE report
   (optional). POST /api/incidents/ with an idempotency key made when the form opens, so a send
   retried after a lost answer raises one incident; the answer (the incident) goes to the panel
   (console-incident.js), which then waits for TiB. */

import { api, el, notify, t, uuid } from './common.js';
import { formDialog, methaneFields } from './console-incident-forms.js';

const w = (key) => t(`console.incident.${key}`);

/** hooks: openCases() -> [case], selectedCase() -> id|null, regions() -> [{id, name}],
    raised(incident). */
export function openRaise(hooks) {
  const selected = hooks.selectedCase();
  const cases = hooks.openCases();
  const first = cases.find((c) => c.id === selected) || null;
  const key = uuid();

  const title = el('input', { id: 'incident-title', name: 'title', required: true, maxlength: '200', autocomplete: 'off' });
  title.value = first ? [first.complaint, first.address].filter(Boolean).join(', ') : '';
  const caseBoxes = cases.map((c) => el('input', {
    type: 'checkbox', name: 'cases', value: String(c.id), id: `incident-case-${c.id}`, checked: c.id === selected,
  }));
  const caseList = cases.length
    ? el('ul', { class: 'incident-case-list' }, cases.map((c, i) => el('li', {},
      el('label', { class: 'check', for: caseBoxes[i].id }, caseBoxes[i],
        ` ${c.reference} · ${c.address || ''}${c.complaint ? ` – ${c.complaint}` : ''}`))))
    : el('p', { class: 'hint' }, w('no_cases'));
  const location = el('input', { id: 'incident-location', name: 'location', maxlength: '200', autocomplete: 'off' });
  location.value = first?.address || '';
  const region = el('select', { id: 'incident-region', name: 'region', required: true },
    el('option', { value: '' }, '–'),
    hooks.regions().map((r) => el('option', { value: String(r.id) }, r.name)));
  if (first?.region != null) region.value = String(first.region);
  const exercise = el('input', { type: 'checkbox', id: 'incident-exercise', name: 'exercise' });
  const methane = methaneFields('incident-raise', first ? { exact_location: first.address } : null);

  const label = (text, input) => el('label', { class: 'field grow', for: input.id }, el('span', {}, text), input);
  // The position comes from the first case ticked when there is one.
  const position = () => {
    const ticked = caseBoxes.filter((b) => b.checked).map((b) => Number(b.value));
    const c = cases.find((x) => ticked.includes(x.id));
    return c && c.latitude != null ? { latitude: c.latitude, longitude: c.longitude } : {};
  };
  const { dialog } = formDialog({
    id: 'incident-raise', title: w('raise_title'), save: w('raise'),
    body: [
      label(w('title'), title),
      el('fieldset', { class: 'incident-cases' }, el('legend', {}, w('cases')), caseList),
      el('div', { class: 'row' }, label(w('location'), location), label(w('region'), region)),
      el('label', { class: 'check incident-exercise', for: exercise.id }, exercise, ` ${w('exercise')}`,
        el('small', { class: 'hint' }, ` ${w('exercise_hint')}`)),
      el('p', { class: 'hint' }, t('console.incident.methane.optional')),
      methane.node,
    ],
    submit: async () => {
      const body = {
        title: title.value.trim(), region: region.value, location: location.value.trim(),
        exercise: exercise.checked, idempotency_key: key,
        cases: caseBoxes.filter((b) => b.checked).map((b) => Number(b.value)),
        ...position(),
      };
      if (methane.filled()) body.report = methane.value();
      const incident = await api('/api/incidents/', { method: 'POST', body });
      notify(w('raised'), 'warn');
      hooks.raised(incident);
    },
  });
  dialog.classList.add('incident-raise');
  title.focus();
}
