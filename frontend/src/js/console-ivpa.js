/* First responders (IVPA, i väntan på ambulans) on the console: for the selected case, whether
   responders may be alerted (the municipality, the ambulance's and the fire and rescue
   service's expected times, volunteers nearby), "Alert IVPA" and its cancelling, and the
   callout as it runs (waves, radius, who accepted, their routes and arrivals), live from the
   `ivpa` stream's callout.* and alert.updated events; fetched when a case is opened and after
   a reset. Alert statuses' order and the engaged ones come from the page (ivpa.models, by way
   of frontend/tables.py). */

import { api, el, fmtTime, notify, t, twoStep } from './common.js';
import { table } from './tables.js';

const ALERTS = table('alert') || { rank: {}, engaged: [] };
const ivpa = {
  connected: null,
  eligibility: new Map(), // case id -> answer of GET /api/ivpa/cases/<id>/callout/
  callouts: new Map(), // callout id -> callout summary (with its alerts)
};
let hooks = { getCase: () => null, scheduleRender: () => {}, selectedCase: () => null };

export function setupIvpa(options) {
  hooks = { ...hooks, ...options };
}

/** Handle an event of the ivpa stream; false when it is not about a callout. */
export function ivpaEvent(event) {
  const d = event.data || {};
  switch (event.type) {
    case 'callout.started':
    case 'callout.wave':
    case 'callout.updated':
    case 'callout.ended':
      upsertCallout(d);
      if (event.type !== 'callout.wave' && d.case === hooks.selectedCase()) loadEligibility(d.case);
      return true;
    case 'alert.updated':
      upsertCalloutAlert(d);
      return true;
    default:
      return false;
  }
}

const mmss = (s) => (s == null ? '–' : `${Math.floor(s / 60)}:${String(Math.round(s) % 60).padStart(2, '0')}`);
/** A time as m:ss, marked "≈ … (estimated)" when the built-in estimate made it, not the router. */
const eta = (s, source) => (s != null && source === 'estimate' ? t('ivpa.eta_estimated', { time: mmss(s) }) : mmss(s));
const metres = (m) => (m == null ? '–' : m < 1000 ? t('ivpa.metres', { n: Math.round(m / 10) * 10 })
  : t('ivpa.kilometres', { n: (m / 1000).toLocaleString(document.documentElement.lang || 'sv', { maximumFractionDigits: 1 }) }));
const ENGAGED = new Set(ALERTS.engaged);

function calloutsOf(caseId) {
  return [...ivpa.callouts.values()].filter((co) => co.case === caseId)
    .sort((a, b) => String(b.started_at).localeCompare(String(a.started_at)));
}

function currentCallout(caseId) {
  const list = calloutsOf(caseId);
  return list.find((co) => !co.ended_at) || list[0] || null;
}

/** Who fetches which defibrillator for a case (for the map): the defibrillator's name ->
    the names of the engaged responders routed to it, from the current callout. */
export function aedRunners(caseId) {
  const out = new Map();
  for (const a of currentCallout(caseId)?.alerts || []) {
    if (a.route !== 'aed' || !a.aed || !ENGAGED.has(a.status)) continue;
    out.set(a.aed, [...(out.get(a.aed) || []), a.name]);
  }
  return out;
}

/** The case's responders on the way, for the map: the running callout's accepted alerts
    with the coarse position the server sends only while they are on the way, numbered by kind
    in the order they accepted ("Frivillig 1"). None once the callout ended. */
export function caseResponders(caseId) {
  const co = currentCallout(caseId);
  if (!co || co.ended_at) return [];
  const counts = new Map();
  return (co.alerts || []).filter((a) => a.status === 'accepted' && a.position)
    .sort((a, b) => String(a.accepted_at).localeCompare(String(b.accepted_at)) || a.id - b.id)
    .map((a) => {
      counts.set(a.kind, (counts.get(a.kind) || 0) + 1);
      return { ...a, n: counts.get(a.kind) };
    });
}

/** The short line on a case card while responders are being alerted for it. */
export function ivpaBadge(caseId) {
  const co = calloutsOf(caseId).find((x) => !x.ended_at);
  if (!co) return '';
  return t('console.ivpa.badge', { accepted: (co.alerts || []).filter((a) => ENGAGED.has(a.status)).length });
}

const ALERT_TIMES = ['seen_at', 'accepted_at', 'declined_at', 'arrived_at', 'ended_at'];

/** A fetched view of an alert may be older than an event already applied: it never moves the
    alert back (a receipt or an arrival does not vanish). Events come in order and win. */
function mergeFetchedAlert(old, fetched) {
  if (!old) return fetched;
  if ((ALERTS.rank[fetched.status] ?? 0) < (ALERTS.rank[old.status] ?? 0)) return old;
  const merged = { ...old, ...fetched };
  for (const key of ALERT_TIMES) if (!merged[key] && old[key]) merged[key] = old[key];
  return merged;
}

function upsertCallout(summary, { fetched = false } = {}) {
  const old = ivpa.callouts.get(summary.id);
  const merged = { ...old, ...summary };
  if (fetched && old?.alerts) {
    const known = new Map(old.alerts.map((a) => [a.id, a]));
    merged.alerts = (summary.alerts || []).map((a) => mergeFetchedAlert(known.get(a.id), a));
    for (const a of old.alerts) if (!merged.alerts.some((x) => x.id === a.id)) merged.alerts.push(a);
  }
  if (old?.ended_at && !summary.ended_at) { // ended stays ended, whatever arrives late
    merged.ended_at = old.ended_at;
    merged.end_reason = old.end_reason;
  }
  ivpa.callouts.set(summary.id, merged);
  hooks.scheduleRender();
}

function upsertCalloutAlert(alert) {
  const co = ivpa.callouts.get(alert.callout);
  if (!co) {
    loadCallouts(alert.case);
    return;
  }
  const alerts = (co.alerts || []).slice();
  const i = alerts.findIndex((a) => a.id === alert.id);
  if (i >= 0) alerts[i] = { ...alerts[i], ...alert };
  else alerts.push(alert);
  ivpa.callouts.set(co.id, { ...co, alerts });
  hooks.scheduleRender();
}

async function loadEligibility(caseId) {
  try {
    ivpa.eligibility.set(caseId, await api(`/api/ivpa/cases/${caseId}/callout/`));
  } catch (err) {
    if (err.status !== 404 && err.status !== 403) notify(err.detail, 'error');
  }
  hooks.scheduleRender();
}

async function loadCallouts(caseId) {
  try {
    for (const co of await api(`/api/ivpa/callouts/?case=${caseId}`)) upsertCallout(co, { fetched: true });
  } catch (err) {
    if (err.status !== 404 && err.status !== 403) notify(err.detail, 'error');
  }
}

/** Whether responders may be alerted for a case, and its callouts (on opening the case). */
export function loadIvpa(caseId) {
  if (caseId == null) return;
  loadEligibility(caseId);
  loadCallouts(caseId);
}

/** Every callout again, after the ivpa stream's reset. */
export async function reloadCallouts() {
  try {
    for (const co of await api('/api/ivpa/callouts/')) upsertCallout(co, { fetched: true });
  } catch { /* not for this role, or no network: the next event tells */ }
  const selected = hooks.selectedCase();
  if (selected != null) loadIvpa(selected);
}

/** The connected municipalities: the count in the top bar, the names for the case form. */
export async function loadMunicipalities() {
  try {
    const answer = await api('/api/ivpa/municipalities/');
    ivpa.connected = answer.connected;
    document.getElementById('municipality-list').replaceChildren(...answer.municipalities.map((m) =>
      el('option', { value: m.name }, m.connected ? `${m.name} (IVPA)` : m.name)));
  } catch {
    ivpa.connected = null;
  }
  const node = document.getElementById('ivpa-connected');
  node.hidden = ivpa.connected == null;
  node.textContent = t('console.ivpa.connected', { n: ivpa.connected });
}

async function startCallout(caseId) {
  try {
    upsertCallout(await api(`/api/ivpa/cases/${caseId}/callout/`, { method: 'POST' }));
    notify(t('console.ivpa.started', { ref: hooks.getCase(caseId)?.reference || caseId }), 'ok');
  } catch (err) {
    notify(err.detail, 'error');
  }
  loadEligibility(caseId);
}

async function cancelCallout(co) {
  try {
    upsertCallout(await api(`/api/ivpa/callouts/${co.id}/cancel/`, { method: 'POST' }));
    notify(t('console.ivpa.cancelled', { ref: co.case_reference }), 'ok');
  } catch (err) {
    notify(err.detail, 'error');
  }
  loadEligibility(co.case);
}

/* The panel lives in the selected case's card; it is built in three parts that are redrawn
   only when their own data changes, so that a two-step button keeps its state while answers
   come in. */
let ivpaPanel = null;

/** The panel of the selected case c, brought up to date; console-panels.js places it. */
export function ivpaPanelOf(c) {
  if (!ivpaPanel || ivpaPanel.caseId !== c.id) {
    const titleId = `ivpa-title-${c.id}`;
    ivpaPanel = {
      caseId: c.id, sigs: {},
      info: el('div', { class: 'ivpa-info' }),
      actions: el('div', { class: 'ivpa-actions' }),
      list: el('div', { class: 'ivpa-list' }),
    };
    ivpaPanel.node = el('section', { class: 'ivpa', id: 'ivpa-panel', 'aria-labelledby': titleId, dataset: { case: c.id } },
      el('h3', { id: titleId }, t('console.ivpa.title')), ivpaPanel.info, ivpaPanel.actions, ivpaPanel.list);
  }
  const elig = ivpa.eligibility.get(c.id) || null;
  const co = currentCallout(c.id);
  const { alerts, ...coHead } = co || {};
  redraw('info', [elig, coHead, (alerts || []).map((a) => a.status)], () => ivpaInfo(elig, co));
  redraw('actions', [elig?.eligible, elig?.active, co?.id, Boolean(co?.ended_at)], () => ivpaActions(c, elig, co));
  redraw('list', [co?.id, alerts], () => ivpaAlerts(co));
  return ivpaPanel.node;
}

/** Whether responders were ever alerted for the case (its panel then stays, whatever the
    case became since). */
export const hasCallouts = (caseId) => calloutsOf(caseId).length > 0;

function redraw(part, data, build) {
  const sig = JSON.stringify(data);
  if (ivpaPanel.sigs[part] === sig) return;
  ivpaPanel.sigs[part] = sig;
  ivpaPanel[part].replaceChildren(...build().filter(Boolean));
}

function ivpaInfo(elig, co) {
  const out = [];
  if (elig) {
    out.push(el('p', { class: `ivpa-eligibility${elig.eligible ? ' is-eligible' : ''}`, dataset: { eligible: String(elig.eligible) } },
      elig.eligible ? t('console.ivpa.eligible', { municipality: elig.municipality })
        : t('console.ivpa.not_eligible', { reason: elig.reason })));
    out.push(el('dl', { class: 'ivpa-facts' },
      el('div', {}, el('dt', {}, t('console.ivpa.ambulance_eta')), el('dd', { class: 'ivpa-ambulance', dataset: { source: elig.ambulance_eta_source || '' } }, eta(elig.ambulance_eta_s, elig.ambulance_eta_source))),
      elig.eligible ? el('div', {}, el('dt', {}, t('console.ivpa.fire_eta')), el('dd', { class: 'ivpa-fire', dataset: { source: elig.fire_rescue_eta_source || '' } }, eta(elig.fire_rescue_eta_s, elig.fire_rescue_eta_source))) : null,
      elig.eligible ? el('div', {}, el('dt', {}, t('console.ivpa.volunteers')), el('dd', { class: 'ivpa-volunteers' }, String(elig.volunteers_nearby ?? 0))) : null));
  }
  if (co) {
    // Counted from the very rows the table shows, by the statuses its badges show: the
    // volunteers against the number needed, the units (fire and rescue, police) apart.
    const alerts = co.alerts || [];
    const accepted = alerts.filter((a) => a.kind === 'volunteer' && ENGAGED.has(a.status)).length;
    const units = alerts.filter((a) => a.kind !== 'volunteer' && ENGAGED.has(a.status)).length;
    const waiting = alerts.filter((a) => a.status === 'alerted').length;
    out.push(el('p', { class: 'ivpa-state', dataset: { state: co.ended_at ? 'ended' : 'running' } },
      co.ended_at ? t('console.ivpa.ended', { reason: t(`ivpa.end.${co.end_reason}`) })
        : t('console.ivpa.running', { waves: co.waves, radius: metres(co.radius_m) }),
      co.automatic ? ` (${t('console.ivpa.automatic')})` : ''));
    out.push(el('p', { class: 'ivpa-counts', dataset: { accepted, units, waiting } },
      t('console.ivpa.accepted', { accepted, needed: co.needed }),
      units ? ` · ${t('console.ivpa.units_engaged', { n: units })}` : '',
      !co.ended_at && waiting ? ` · ${t('console.ivpa.waiting', { n: waiting })}` : ''));
    if (co.volunteers_excluded) {
      out.push(el('p', { class: 'ivpa-warn' }, t('console.ivpa.excluded', { flag: t(`ivpa.scene_flag.${co.volunteers_excluded}`) })));
    }
    if (co.exhausted && !co.ended_at) out.push(el('p', { class: 'ivpa-warn' }, t('console.ivpa.exhausted')));
  }
  return out;
}

function ivpaActions(c, elig, co) {
  if (co && !co.ended_at) {
    const cancel = el('button', { type: 'button', class: 'btn btn-ghost btn-small ivpa-cancel' }, t('console.ivpa.cancel'));
    twoStep(cancel, t('console.ivpa.cancel_confirm'), () => cancelCallout(co), { key: `callout:${co.id}` });
    return [cancel];
  }
  if (elig?.eligible && !elig.active) {
    const start = el('button', { type: 'button', class: 'btn btn-danger btn-small ivpa-start' }, t('console.ivpa.start'));
    start.addEventListener('click', () => startCallout(c.id));
    return [start];
  }
  return [];
}

function ivpaAlerts(co) {
  if (!co) return [];
  const alerts = (co.alerts || []).slice().sort((a, b) => a.wave - b.wave || a.distance_m - b.distance_m);
  if (!alerts.length) return [el('p', { class: 'ivpa-none' }, t('console.ivpa.none_alerted'))];
  const head = ['col_name', 'col_distance', 'col_status', 'col_route', 'col_arrived']
    .map((k) => el('th', { scope: 'col' }, t(`console.ivpa.${k}`)));
  // Focusable: a keyboard scrolls the table sideways when it is wider than the panel.
  return [el('div', { class: 'ivpa-scroll', tabindex: '0' }, el('table', { class: 'ivpa-alerts' },
    el('thead', {}, el('tr', {}, head)),
    el('tbody', {}, alerts.map((a) => {
      const status = a.status === 'alerted' && a.seen_at ? 'seen' : a.status;
      return el('tr', { dataset: { alert: a.id, name: a.name, status, kind: a.kind } },
        el('td', { class: 'ivpa-name', title: a.phone_number || '' }, a.name,
          el('span', { class: 'ivpa-kind' }, t(`ivpa.kind.${a.kind}`))),
        el('td', { class: 'num' }, metres(a.distance_m), el('span', { class: 'ivpa-eta', dataset: { source: a.eta_source || '' } }, eta(a.eta_s, a.eta_source))),
        el('td', {}, el('span', { class: `badge ivpa-st-${status}` }, t(`ivpa.status.${status}`))),
        el('td', { class: 'ivpa-route' }, a.route === 'aed' ? (a.aed || t('ivpa.route.aed')) : a.route ? t(`ivpa.route.${a.route}`) : ''),
        el('td', { class: 'num ivpa-arrived' }, fmtTime(a.arrived_at)));
    }))))];
}
