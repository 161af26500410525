/* The manager's imports (POST /api/followup/imports/calls/ and .../hospital-visits/, a CSV as
   the multipart field `file`): what the file held and changed, and every refused line with its
   number and the reason; the last runs below (GET /api/followup/imports/). */

import { api, el, t } from './common.js';
import { day, fill, integer, upload } from './followup-format.js';

const $ = (id) => document.getElementById(id);

const COUNTS = ['rows', 'created', 'updated', 'unchanged'];
const kindName = (run) => run.kind_words || (run.kind === 'calls' ? t('followup.import.calls') : t('followup.import.hospital_visits'));

function counts(run) {
  return el('dl', { class: 'fu-counts' }, COUNTS.flatMap((c) => [
    el('dt', {}, t(`followup.import.count.${c}`)), el('dd', { dataset: { count: c } }, integer(run[c] ?? 0))]));
}

function result(run) {
  const errors = run.errors || [];
  return el('section', { class: 'fu-import-result', 'aria-labelledby': 'import-result-title' },
    el('h4', { id: 'import-result-title' }, t('followup.import.result', { file: run.file_name || '', kind: kindName(run) })),
    counts(run),
    errors.length
      ? [el('p', { class: 'fu-refused-head' }, t('followup.import.refused', { n: errors.length })),
        el('ul', { class: 'fu-refused' }, errors.map((e) => el('li', { dataset: { line: e.line } },
          el('strong', {}, t('followup.import.line', { n: e.line })), ' ', e.message)))]
      : el('p', { class: 'fu-none' }, t('followup.import.no_errors')));
}

export async function loadRuns() {
  const box = $('import-runs');
  try {
    const answer = await api('/api/followup/imports/');
    const runs = Array.isArray(answer) ? answer : (answer?.results || answer?.runs || []);
    if (!runs.length) {
      fill(box, el('p', { class: 'fu-none' }, t('followup.import.no_runs')));
      return;
    }
    fill(box, el('div', { class: 'fu-scroll', tabindex: '0', role: 'region', 'aria-label': t('followup.import.runs_table') },
      el('table', { class: 'fu-table fu-runs' },
        el('thead', {}, el('tr', {},
          ['at', 'kind', 'file', ...COUNTS, 'errors'].map((c) => el('th', { scope: 'col' }, t(`followup.import.col.${c}`))))),
        el('tbody', {}, runs.map((run) => el('tr', { dataset: { run: run.id } },
          el('td', {}, day(run.at)),
          el('td', {}, kindName(run)),
          el('th', { scope: 'row' }, run.file_name || '–'),
          COUNTS.map((c) => el('td', { class: 'num' }, integer(run[c] ?? 0))),
          el('td', { class: 'num' }, integer((run.errors || []).length))))))));
  } catch (err) {
    fill(box, el('p', { class: 'alert alert-error', role: 'alert' }, err.detail));
  }
}

export function setupImport() {
  const out = $('import-result');
  for (const form of document.querySelectorAll('form.fu-upload')) {
    const input = form.querySelector('input[type=file]');
    const button = form.querySelector('button[type=submit]');
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const file = input.files?.[0];
      if (!file) {
        fill(out, el('p', { class: 'alert alert-error', role: 'alert' }, t('followup.import.choose')));
        return;
      }
      button.disabled = true;
      fill(out, el('p', {}, t('followup.import.working')));
      try {
        const answer = await upload(`/api/followup/imports/${form.dataset.kind}/`, file);
        if (answer.ok && answer.data) {
          fill(out, result(answer.data));
          form.reset();
          loadRuns();
        } else {
          const words = answer.data?.detail || Object.values(answer.data || {}).flat().filter((w) => typeof w === 'string').join(' ');
          fill(out, el('p', { class: 'alert alert-error', role: 'alert' }, words || t('error.http', { status: answer.status })));
        }
      } catch {
        fill(out, el('p', { class: 'alert alert-error', role: 'alert' }, t('error.network')));
      } finally {
        button.disabled = false;
      }
    });
  }
}
