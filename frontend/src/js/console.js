/* The dispatch console: register cases, send units, follow every assignment live.

   State comes from the API on load and after a stream `reset`; in between, events on the
   `dispatch` and `units` streams keep it current. Events carry no patient data, so a new or
   changed case is fetched over HTTP (where the read is logged).

   This module starts the console and joins its parts: what it knows (console-state.js), the
   case list (console-cases.js), the units and dispatching (console-units.js), the map
   (console-map.js), the new case's form (console-form.js, its address search and region rule
   console-address.js), the warnings (console-warnings.js),
   the selected case's panels (console-ivpa.js, console-images.js, console-referrals.js) and
   the dispatcher's monthly feedback notice (console-feedback.js). */

import { api, notify, showConnection, t } from './common.js';
import { caseEditEvent } from './console-case-edit.js';
import { feedbackEvent, feedbackReset } from './console-feedback.js';
import { ACK_TIMEOUT, renderCases, selectCase } from './console-cases.js';
import { pickPosition } from './console-form.js';
import { imagingEvent, loadImaging, refreshViewer, setupImages } from './console-images.js';
import { ivpaEvent, loadMunicipalities, reloadCallouts, setupIvpa } from './console-ivpa.js';
import { historyEvent } from './console-history.js';
import { incidentEvent, incidentReset, setupIncidents } from './console-incident.js';
import { drawStations, fitMapOnce, initMap, renderMap } from './console-map.js';
import { messagesEvent } from './console-messages.js';
import { panicConsoleEvent, panicConsoleLoad } from './console-panic.js';
import { noticesEvent, noticesReset, setupNotices } from './console-notices.js';
import { personEvent, setupPerson } from './console-person.js';
import { referralEvent, reloadReferrals, setupReferrals } from './console-referrals.js';
import {
  fetchCase, mergeCase, removeCase, scheduleRender, setRender, state, upsertAssignment, upsertUnit,
} from './console-state.js';
import { recommendationsStale } from './console-recommend.js';
import { renderSelection, renderUnits, toggleUnit } from './console-units.js';
import { renderStagingMap } from './console-staging.js';
import { renderWarnings } from './console-warnings.js';
import { rowsFresher } from './fresher.js';
import './page.js';
import { MemorySeqStore, StreamClient } from './stream.js';

/* ---------- loading ---------- */

let reloading = null;
let reloadAgain = false;
async function reloadAll() {
  if (reloading) {
    reloadAgain = true;
    return reloading;
  }
  reloading = (async () => {
    do {
      reloadAgain = false;
      const started = Date.now();
      try {
        const [cases, units] = await Promise.all([api('/api/cases/'), api('/api/units/')]);
        const next = new Map();
        for (const c of cases) {
          const merged = mergeCase(state.cases.get(c.id), c);
          merged._seenAt = Date.now();
          next.set(c.id, merged);
        }
        // A case learnt from an event while this list was on its way is newer than the list.
        for (const [id, c] of state.cases) if (!next.has(id) && c._seenAt > started) next.set(id, c);
        state.cases = next;
        // So is a unit: its list may have been read before the event that moved it.
        state.units = rowsFresher(units, state.units, started);
        for (const id of [...state.selectedUnits]) {
          if (state.units.get(id)?.status !== 'available') state.selectedUnits.delete(id);
        }
        if (state.selectedCase && !state.cases.has(state.selectedCase)) state.selectedCase = null;
        if (state.selectedCase) loadImaging(state.selectedCase);
        reloadReferrals();
        scheduleRender();
        fitMapOnce();
      } catch (err) {
        notify(err.detail, 'error');
      }
    } while (reloadAgain);
  })();
  try {
    await reloading;
  } finally {
    reloading = null;
  }
}

/* ---------- stream ---------- */

function onEvent(event) {
  const d = event.data || {};
  switch (event.type) {
    case 'case.created':
    case 'case.updated':
      fetchCase(d.id);
      if (d.id === state.selectedCase) recommendationsStale(); // its place or needs
      if (event.type === 'case.updated') {
        caseEditEvent(d);
        historyEvent(d);
      }
      break;
    case 'case.closed':
      removeCase(d.id);
      break;
    case 'unit.updated':
      upsertUnit(d);
      recommendationsStale(); // its status, crew or service changes the ranking
      break;
    default:
      if (messagesEvent(event) || ivpaEvent(event) || imagingEvent(event) || referralEvent(event) || personEvent(event)
        || feedbackEvent(event) || noticesEvent(event) || panicConsoleEvent(event) || incidentEvent(event)) break;
      if (event.type.startsWith('assignment.')) {
        upsertAssignment(d.case, d);
        if (event.type === 'assignment.resent') {
          notify(`${d.unit_call_sign}: ${t('console.ack_overdue', { s: ACK_TIMEOUT, n: d.resend_count })}`, 'warn');
        }
      }
  }
}

const stream = new StreamClient({
  store: new MemorySeqStore(),
  onEvent,
  onReset: (name) => {
    if (name === 'ivpa') reloadCallouts();
    else if (name.startsWith('feedback.')) feedbackReset();
    else if (name.startsWith('incident')) incidentReset(name);
    else {
      noticesReset();
      reloadAll();
      if (name === 'dispatch') panicConsoleLoad();
    }
  },
  onStatus: showConnection,
});

/* ---------- a redraw, in this order ---------- */

setRender(() => {
  renderCases();
  renderUnits();
  renderMap();
  renderStagingMap();
  renderWarnings();
  renderSelection();
  refreshViewer();
});

/* ---------- start ---------- */

/** `then()` once `node` is on the screen (at once where IntersectionObserver is missing). */
function whenShown(node, then) {
  if (!node || !('IntersectionObserver' in window)) {
    then();
    return;
  }
  const seen = new IntersectionObserver((entries) => {
    if (!entries.some((e) => e.isIntersecting)) return;
    seen.disconnect();
    then();
  });
  seen.observe(node);
}

async function start() {
  // The map (Leaflet: most of the console's start-up work) is made when its panel is on the
  // screen: at once on a console's wide screen, on a phone only when scrolled to.
  whenShown(document.getElementById('map'), () => {
    initMap({ onPick: pickPosition, onUnit: toggleUnit, onCase: (id) => selectCase(id, { pan: false }) });
    drawStations(); // the stations, when they came first (else start() draws them)
    renderMap();
    fitMapOnce();
  });
  setupIvpa({ getCase: (id) => state.cases.get(id), scheduleRender, selectedCase: () => state.selectedCase });
  setupImages({ getCase: (id) => state.cases.get(id), scheduleRender });
  setupPerson({ scheduleRender });
  setupNotices({ getCase: (id) => state.cases.get(id), scheduleRender, selectedCase: () => state.selectedCase });
  setupReferrals({ getCase: (id) => state.cases.get(id), scheduleRender, selectCase: (id) => {
    if (state.cases.has(id)) selectCase(id);
    else fetchCase(id).then(() => state.cases.has(id) && selectCase(id));
  } });
  // The connected municipalities (the top bar's IVPA note) need nothing else: asked for at once.
  loadMunicipalities();
  panicConsoleLoad();
  setupIncidents({
    openCases: () => [...state.cases.values()], selectedCase: () => state.selectedCase,
    regions: () => [...state.regions.values()],
  });
  try {
    const [me, stations, regions] = await Promise.all([
      api('/api/me/'), api('/api/stations/'), api('/api/regions/'),
    ]);
    state.stations = stations;
    regions.forEach((r) => state.regions.set(r.id, r));
    drawStations();
    // The triage mode too, for a dispatcher who follows incidents (console-incident-triage.js).
    stream.setStreams(me.streams.includes('incidents') ? [...me.streams, 'incident-mode'] : me.streams);
  } catch (err) {
    notify(err.detail, 'error');
    stream.setStreams(['dispatch', 'units', 'ivpa']);
  }
  await reloadAll();
  fitMapOnce();
}

start();
