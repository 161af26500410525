/* The official on duty's phone (TiB, tjänsteman i beredskap; seed 001): the major incidents,
   and for the one on screen the decision (confirm or reject a raised one), then the regions'
   alarm and pledges, the switch to mass-casualty triage, the METHANE report and the stand-down.

   The page follows the `incidents` stream (the consoles' too) and tells the server it saw each
   event (`ack`: no push then wakes this phone). Events carry only the incident's summary: on
   any incident.* event the list and the incident on screen are fetched again over HTTP. A
   raised incident rings (sound.js) until TiB has opened it. Decisions are never queued: an
   alarm to every region goes when TiB taps and the server answers, or not at all (no network:
   the screen says so and nothing is sent later behind her back).

   This module keeps the list, the stream and the start-up; the incident's card is
   tib-incident.js's, the regions tib-regions.js's, triage, report and stand-down
   tib-actions.js's. */

import {
  ApiError, api, el, fmtTime, notify, showConnection, t,
} from './common.js';
import { swReady } from './page.js';
import { setupPush } from './push.js';
import { alarm, setupAudio } from './sound.js';
import { MemorySeqStore, StreamClient } from './stream.js';
import { renderIncident } from './tib-incident.js';

const $ = (id) => document.getElementById(id);
const SETUP = JSON.parse($('tib-setup')?.textContent || '{}');
const ME = JSON.parse($('me')?.textContent || 'null');
const REPEAT_ALARM_MS = 30000;
const RECENT = 10; // the ended incidents the list shows besides the active ones

const state = {
  list: [], // the summaries (GET /api/incidents/)
  focus: null, // the id of the incident on screen
  detail: null, // its detail (GET /api/incidents/{id}/)
  chosen: false, // TiB chose the incident on screen (else the newest raised or active)
  seen: new Set(), // raised incidents TiB has had on screen: they ring no more
};

/* ---------- the list ---------- */

const isActive = (i) => i.state === 'raised' || i.state === 'confirmed';

let listAsked = 0;

async function loadList() {
  const call = ++listAsked;
  try {
    // The active ones on their own (however many ended since), and the latest for the ended.
    const [active, latest] = await Promise.all([api('/api/incidents/?state=active'), api('/api/incidents/')]);
    if (call !== listAsked) return; // a newer question went out meanwhile: its answer counts
    const ended = (latest || []).filter((i) => !isActive(i)).slice(0, RECENT);
    state.list = [...(active || []), ...ended];
  } catch (err) {
    if (err.status !== 0) notify(err.detail, 'error');
  }
  $('tib-incidents').removeAttribute('aria-busy');
  pickFocus();
  renderList();
  await loadDetail();
}

/** Without TiB's own choice the screen shows the newest raised incident (the one waiting for
    her), else the newest confirmed one. */
function pickFocus() {
  const known = state.list.find((i) => i.id === state.focus);
  if (state.chosen && known) return;
  const raised = state.list.find((i) => i.state === 'raised');
  const next = raised || state.list.find(isActive) || null;
  if (next?.id !== state.focus) state.chosen = false;
  state.focus = next ? next.id : (known ? state.focus : null);
}

function incidentItem(i) {
  const mine = i.id === state.focus;
  return el('li', { class: `tib-item is-${i.state}${mine ? ' is-focus' : ''}`, dataset: { incident: String(i.id) } },
    el('button', {
      type: 'button', class: 'tib-open', 'aria-current': mine ? 'true' : null,
      onclick: () => choose(i.id),
    },
    el('span', { class: `tib-state state-${i.state}` }, i.state_text),
    i.exercise ? el('span', { class: 'tib-exercise' }, t('tib.exercise')) : null,
    el('span', { class: 'tib-item-title' }, i.title),
    el('span', { class: 'tib-item-meta' }, [i.region?.name, i.location, fmtTime(i.raised_at)].filter(Boolean).join(' · ')),
    i.state === 'confirmed'
      ? el('span', { class: 'tib-item-meta' }, t('tib.acknowledged_n', { n: i.regions_acknowledged, of: i.regions_alarmed }))
      : null,
    i.triage_active ? el('span', { class: 'tib-triage-badge' }, t('tib.triage_on')) : null));
}

function renderList() {
  $('tib-incidents').replaceChildren(...state.list.map(incidentItem));
  $('tib-none').hidden = state.list.length > 0;
}

function choose(id) {
  state.focus = id;
  state.chosen = true;
  renderList();
  loadDetail().then(() => $('tib-incident').scrollIntoView({ block: 'start' }));
}

/* ---------- the incident on screen ---------- */

let asked = 0;

async function loadDetail() {
  const id = state.focus;
  const call = ++asked;
  if (id == null) {
    state.detail = null;
    render();
    return;
  }
  try {
    const detail = await api(`/api/incidents/${id}/`);
    if (call !== asked) return; // a newer question went out meanwhile
    state.detail = detail;
    if (detail.state === 'raised') state.seen.add(detail.id);
  } catch (err) {
    if (call !== asked) return;
    if (err.status === 404) state.detail = null;
    else if (err.status !== 0) notify(err.detail, 'error');
  }
  render();
}

function render() {
  const box = $('tib-incident');
  const d = state.detail;
  box.hidden = !d;
  document.title = d ? `${d.title} · TiB · Larmkedjan` : 'TiB · Larmkedjan';
  if (!d) return;
  // The card is drawn again on every event: what TiB was typing in (a kept form's field)
  // keeps the focus and the caret.
  const active = document.activeElement;
  const caret = active && 'selectionStart' in active ? [active.selectionStart, active.selectionEnd] : null;
  renderIncident(box, d, { setup: SETUP, post });
  if (active && active !== document.activeElement && active.isConnected && box.contains(active)) {
    active.focus({ preventScroll: true });
    if (caret && caret[0] != null) {
      try { active.setSelectionRange(...caret); } catch { /* a number field has no caret */ }
    }
  }
}

/** A decision or a record sent now (never queued): the incident as the server has it after,
    or the server's reason in words. Returns whether it went through. */
async function post(path, body = {}) {
  try {
    await api(path, { method: 'POST', body });
    await loadList();
    return true;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    notify(err.status === 0 ? t('tib.offline') : err.detail, 'error');
    if (err.status === 409) await loadList(); // someone else decided first: show what holds
    return false;
  }
}

/* ---------- the stream ---------- */

function onEvent(event) {
  if (!event.type.startsWith('incident.') || event.type === 'incident.mode') return;
  const summary = event.data?.incident;
  if (event.type === 'incident.raised' && summary && !state.seen.has(summary.id)) {
    notify(t('tib.raised_notice', { title: summary.title }), 'warn', { timeout: 30000 });
    alarm();
  }
  loadList();
}

const stream = new StreamClient({
  ack: true,
  store: new MemorySeqStore(),
  onEvent,
  onReset: () => loadList(),
  onStatus: showConnection,
});

/** A raised incident nobody has looked at rings again until TiB opens it. */
setInterval(() => {
  const waiting = state.list.filter((i) => i.state === 'raised' && !state.seen.has(i.id));
  if (waiting.length) alarm();
}, REPEAT_ALARM_MS);
setInterval(renderList, 60000);

/* ---------- start ---------- */

setupAudio($('audio-banner'));
stream.setStreams(ME?.streams?.includes('incidents') ? ME.streams : ['incidents']);
loadList().then(() => setupPush({ button: $('push-button'), registration: swReady }));
