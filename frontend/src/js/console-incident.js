/* Major incidents (*särskild händelse*, seed 001) on the dispatch console: the "Särskild
   händelse" button in the top bar (the raise form: console-incident-raise.js) and, while an
   incident is raised or confirmed, a panel above the console's columns:

   - a banner: red "SÄRSKILD HÄNDELSE – bekräftad av TiB", amber "Möjlig särskild händelse –
     väntar på TiB", "ÖVNING" before either for an exercise; with the title and a button that
     shows or hides the details;
   - the details: the state and its times, "Masskadetriage gäller" with its indicators while
     TiB has switched to it, the regions with their alarm and pledges
     (console-incident-regions.js), the latest METHANE report and a new version of it
     (console-incident-forms.js), the log (newest first) and the printable report's link.

   The list of active incidents comes from GET /api/incidents/?state=active on load (and after
   the stream's reset); any event on the `incidents` stream fetches that incident again
   (GET /api/incidents/{id}/, debounced per incident): the event is the nudge, the API the
   truth. A rejected or stood-down incident leaves the panel. Another region's own alarm
   (`incident.incoming`, incoming CAP) is a notice that stays until closed. The units named in
   the pledges of a confirmed incident are marked held in the units table
   (console-incident-held.js). */

import { api, el, fmtTime, notify, t } from './common.js';
import { openReport } from './console-incident-forms.js';
import { heldUpdate } from './console-incident-held.js';
import { openRaise } from './console-incident-raise.js';
import { regionsSection } from './console-incident-regions.js';
import { modeEvent, modeLoad } from './console-incident-triage.js';
import { scheduleRender } from './console-state.js';

const ACTIVE = new Set(['raised', 'confirmed']);
const REFETCH_MS = 200;
const w = (key, params) => t(`console.incident.${key}`, params);
const at = (iso) => fmtTime(iso, true);

const incidents = new Map(); // id -> the incident as GET /api/incidents/{id}/ has it
const waiting = new Map(); // id -> timer of a refetch asked for
let shownId = null; // the incident the panel shows (the newest active, or the one picked)
let expanded = true;
let panel = null;
let hooks = { openCases: () => [], selectedCase: () => null, regions: () => [] };

/* ---------- loading ---------- */

function take(incident) {
  if (!incident || incident.id == null) return;
  incidents.set(incident.id, incident);
  render();
}

async function fetchIncident(id) {
  try {
    take(await api(`/api/incidents/${id}/`));
  } catch (err) {
    if (err.status === 404) {
      incidents.delete(id);
      render();
    } else if (err.status !== 0) notify(err.detail, 'error');
  }
}

function refetch(id) {
  clearTimeout(waiting.get(id));
  waiting.set(id, setTimeout(() => {
    waiting.delete(id);
    fetchIncident(id);
  }, REFETCH_MS));
}

/** The active incidents as the server has them (on load, after the stream's reset). */
export async function incidentsLoad() {
  let list = [];
  try {
    list = await api('/api/incidents/?state=active');
  } catch (err) {
    if (err.status !== 0 && err.status !== 404) notify(err.detail, 'error');
    return;
  }
  const ids = new Set((Array.isArray(list) ? list : list?.results || []).map((i) => i.id));
  for (const id of [...incidents.keys()]) if (!ids.has(id)) incidents.delete(id);
  await Promise.all([...ids].map(fetchIncident));
  render();
}

/** A stream's reset: `incidents` loads the list again, `incident-mode` the mode. */
export function incidentReset(stream) {
  if (stream === 'incidents') incidentsLoad();
  modeLoad();
}

/** Another region's own CAP alarm (or its stand-down), in the server's words: a notice that
    stays until closed ("ÖVNING –" before it for an exercise). */
function incomingAlarm({ text, incoming }) {
  const exercise = incoming?.status === 'Exercise' ? `${w('exercise_prefix')} – ` : '';
  const headline = incoming?.headline ? ` – ${incoming.headline}` : '';
  notify(`${exercise}${text || ''}${headline}`, incoming?.msg_type === 'Cancel' ? 'info' : 'error', { timeout: 0 });
}

/** The `incidents` and `incident-mode` streams' events (true: it was one). */
export function incidentEvent(event) {
  if (modeEvent(event)) return true;
  if (!event.type.startsWith('incident.')) return false;
  if (event.type === 'incident.incoming') {
    incomingAlarm(event.data || {});
    return true;
  }
  const summary = event.data?.incident;
  const id = summary && typeof summary === 'object' ? summary.id : summary;
  if (id == null) return true;
  if (event.type === 'incident.raised' && !incidents.has(id)) shownId = id;
  if (event.type === 'incident.triage') modeLoad();
  refetch(id);
  return true;
}

/* ---------- drawing ---------- */

function active() {
  return [...incidents.values()].filter((i) => ACTIVE.has(i.state))
    .sort((a, b) => String(b.raised_at).localeCompare(String(a.raised_at)));
}

function bannerText(i) {
  const words = i.state === 'confirmed' ? w('banner_confirmed') : w('banner_raised');
  return `${i.exercise ? `${w('exercise_prefix')} – ` : ''}${words}`;
}

function times(i) {
  const line = (key, iso, params) => (iso ? el('li', { dataset: { step: key } }, w(key, { time: at(iso), ...params })) : null);
  return el('ul', { class: 'incident-times', id: 'incident-times', 'aria-label': w('state') },
    el('li', { class: 'incident-state' }, `${w('state')}: ${i.state_text || ''}`),
    line('raised_at', i.raised_at, { name: i.raised_by || '' }),
    line('confirmed_at', i.confirmed_at, { name: i.confirmed_by || '' }),
    line('rejected_at', i.rejected_at, { name: i.rejected_by || '', reason: i.reject_reason || '' }),
    line('stood_down_at', i.stood_down_at, { name: i.stood_down_by || '' }));
}

function triage(i) {
  const tr = i.triage;
  if (!tr?.active) return null;
  const indicators = (tr.indicators || []).map((x) => x.text || x.code).filter(Boolean);
  return el('div', { class: 'incident-triage', id: 'incident-triage', role: 'status' },
    el('strong', {}, w('triage_title')),
    indicators.length ? el('span', {}, ` · ${w('triage_indicators', { list: indicators.join(', ') })}`) : null,
    tr.note ? el('span', {}, ` · ${tr.note}`) : null,
    tr.decided_at ? el('span', { class: 'incident-triage-by' }, ` · ${w('triage_decided', { time: at(tr.decided_at), name: tr.decided_by || '' })}`) : null);
}

function report(i) {
  const r = i.report;
  const m = (key, params) => t(`console.incident.methane.${key}`, params);
  const fact = (key, value) => (value === null || value === undefined || value === ''
    ? null : el('div', {}, el('dt', {}, m(key)), el('dd', {}, String(value))));
  const counts = r ? ['casualties_total', 'casualties_red', 'casualties_yellow', 'casualties_green', 'casualties_dead']
    .filter((k) => r[k] != null).map((k) => `${m(k)} ${r[k]}`).join(', ') : '';
  return el('section', { class: 'incident-report', id: 'incident-report', 'aria-labelledby': 'incident-report-title' },
    el('h3', { id: 'incident-report-title' }, m('title')),
    r ? el('p', { class: 'incident-report-version' }, m('version', { n: r.version, name: r.written_by || '', time: at(r.written_at) })) : el('p', { class: 'hint' }, m('none')),
    r ? el('dl', { class: 'incident-methane-facts' },
      fact('major_incident_declared', r.major_incident_declared ? m('yes') : m('no')),
      fact('exact_location', r.exact_location), fact('incident_type', r.incident_type),
      fact('hazards', r.hazards), fact('access', r.access), fact('casualties', counts),
      fact('services_present', r.services_present), fact('services_required', r.services_required)) : null,
    ACTIVE.has(i.state) ? el('button', {
      type: 'button', class: 'btn btn-small incident-report-new', id: 'incident-report-new',
      onclick: () => openReport(i, () => fetchIncident(i.id)),
    }, m('new')) : null);
}

function log(i) {
  const entries = [...(i.log || [])].sort((a, b) => String(b.at).localeCompare(String(a.at)));
  return el('section', { class: 'incident-log-box', 'aria-labelledby': 'incident-log-title' },
    el('h3', { id: 'incident-log-title' }, w('log_title')),
    entries.length ? el('ol', { class: 'incident-log', id: 'incident-log', tabindex: '0', 'aria-labelledby': 'incident-log-title' }, entries.map((e) => el('li', { dataset: { kind: e.kind } },
      el('time', { datetime: e.at }, at(e.at)), ' ',
      el('span', { class: 'incident-log-text' }, e.text),
      e.region && !String(e.text).includes(e.region) ? el('span', { class: 'incident-log-region' }, ` · ${e.region}`) : null,
      e.by ? el('span', { class: 'incident-log-by' }, ` · ${e.by}`) : null)))
      : el('p', { class: 'hint' }, w('log_empty')));
}

function chooser(list, current) {
  if (list.length < 2) return null;
  return el('div', { class: 'incident-chooser', role: 'group', 'aria-label': w('open') }, list.map((i) => el('button', {
    type: 'button', class: 'btn btn-small btn-ghost', 'aria-pressed': String(i.id === current.id),
    onclick: () => { shownId = i.id; render(); },
  }, i.title)));
}

function panelNode() {
  if (!panel) {
    panel = el('section', { id: 'incident-panel', class: 'incident-panel', 'aria-labelledby': 'incident-banner-title', hidden: true });
    const main = document.getElementById('console');
    if (main) main.before(panel);
    else document.body.prepend(panel);
  }
  return panel;
}

function render() {
  if (heldUpdate(incidents.values())) scheduleRender();
  const node = panelNode();
  const list = active();
  const current = list.find((i) => i.id === shownId) || list[0] || null;
  node.hidden = !current;
  document.body.classList.toggle('has-incident', Boolean(current));
  if (!current) {
    node.replaceChildren();
    return;
  }
  shownId = current.id;
  const state = current.state === 'confirmed' ? 'confirmed' : 'raised';
  node.dataset.state = state;
  node.dataset.incident = String(current.id);
  node.dataset.exercise = current.exercise ? 'yes' : 'no';
  // Drawn again on each event: the focus stays on the same control.
  const focusId = node.contains(document.activeElement) ? document.activeElement.id : null;
  const toggle = el('button', {
    type: 'button', class: 'btn btn-small incident-toggle', id: 'incident-toggle',
    'aria-expanded': String(expanded), 'aria-controls': 'incident-details',
    onclick: () => { expanded = !expanded; render(); },
  }, expanded ? w('details_hide') : w('details_show'));
  const banner = el('div', { class: `incident-banner is-${state}`, id: 'incident-banner', role: 'status' },
    el('h2', { id: 'incident-banner-title', class: 'incident-banner-title' },
      el('span', { class: 'incident-banner-state' }, bannerText(current)),
      el('span', { class: 'incident-banner-name' }, ` · ${current.title}`)),
    current.triage?.active ? el('span', { class: 'incident-banner-triage' }, w('triage_title')) : null,
    toggle);
  const details = el('div', { class: 'incident-details', id: 'incident-details', hidden: !expanded },
    chooser(list, current),
    el('div', { class: 'incident-top' }, times(current),
      el('a', { class: 'btn btn-small btn-ghost incident-report-link', id: 'incident-report-link', href: `/incidents/${current.id}/report/`, target: '_blank', rel: 'noopener' }, w('report_link'))),
    triage(current),
    regionsSection(current, () => fetchIncident(current.id)),
    el('div', { class: 'incident-columns' }, report(current), log(current)));
  node.replaceChildren(banner, details);
  if (focusId) document.getElementById(focusId)?.focus({ preventScroll: true });
}

/* ---------- start ---------- */

/** hooks: openCases(), selectedCase(), regions() (the console's own). */
export function setupIncidents(given) {
  hooks = { ...hooks, ...given };
  const bar = document.querySelector('.topbar-main');
  const button = el('button', {
    type: 'button', class: 'btn btn-small incident-raise-btn', id: 'incident-raise-open', 'aria-haspopup': 'dialog',
    onclick: () => openRaise({
      ...hooks,
      raised: (incident) => {
        shownId = incident.id;
        expanded = true;
        take(incident);
      },
    }),
  }, w('button'));
  const after = document.getElementById('notices-open');
  if (after) after.after(button);
  else bar?.append(button);
  panelNode();
  incidentsLoad();
  modeLoad();
}
