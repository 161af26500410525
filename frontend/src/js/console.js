/* The dispatch console: register cases, send units, follow every assignment live.

   State comes from the API on load and after a stream `reset`; in between, events on the
   `dispatch` and `units` streams keep it current. Events carry no patient data, so a new or
   changed case is fetched over HTTP (where the read is logged). */

import {
  ACTIVE, api, el, fmtTime, kindLabel, mergeAssignment, notify, place, placeInOrder, serverNow,
  showConnection, since, statusLabel, t, twoStep, uuid,
} from './common.js';
import {
  imagesBadge, imagingEvent, loadImaging, placeImagePanel, refreshViewer, setupImages,
} from './console-images.js';
import {
  ivpaBadge, ivpaEvent, loadIvpa, loadMunicipalities, placeIvpaPanel, reloadCallouts, setupIvpa,
} from './console-ivpa.js';
import './page.js';
import {
  loadReferrals, placeReferralPanel, referralBadge, referralEvent, reloadReferrals, setupReferrals,
} from './console-referrals.js';
import { MemorySeqStore, StreamClient } from './stream.js';
import { table } from './tables.js';

const root = document.getElementById('console');
const ACK_TIMEOUT = Number(root.dataset.ackTimeout || 30);
// Priorities, most urgent first (dispatch.models, handed over by the page: frontend/tables.py).
const PRIORITIES = table('priority') || { rank: {}, priority_one: [] };
const PRIORITY_RANK = PRIORITIES.rank;
const isPriorityOne = (p) => PRIORITIES.priority_one.includes(p);
// The moves only a dispatcher makes, and from which statuses (dispatch.statemachine).
const DISPATCHER_ONLY = table('assignment')?.dispatcher_only || {};
const canMove = (status, move) => (DISPATCHER_ONLY[status] || []).includes(move);
const ASSIGNMENT_FIELDS = ['id', 'unit', 'unit_call_sign', 'status', 'status_changed_at',
  'ack_overdue', 'status_overdue', 'resend_count'];

const state = {
  cases: new Map(), // id -> case (with assignments), open cases only
  units: new Map(), // id -> unit
  stations: [],
  regions: new Map(), // id -> {id, code, name}
  selectedCase: null,
  selectedUnits: new Set(),
  redirectOpen: null, // assignment id whose redirect picker is open
};

/* ---------- state changes ---------- */

function brief(assignment) {
  const out = {};
  for (const key of ASSIGNMENT_FIELDS) if (key in assignment) out[key] = assignment[key];
  return out;
}

function mergeCase(old, fresh) {
  if (!old) return { ...fresh, assignments: (fresh.assignments || []).map(brief) };
  const byId = new Map(old.assignments.map((a) => [a.id, a]));
  for (const a of fresh.assignments || []) byId.set(a.id, mergeAssignment(byId.get(a.id), brief(a)));
  return { ...old, ...fresh, assignments: [...byId.values()].sort((x, y) => y.id - x.id) };
}

function upsertCase(fresh) {
  if (fresh.status === 'closed') {
    removeCase(fresh.id);
    return;
  }
  const merged = mergeCase(state.cases.get(fresh.id), fresh);
  merged._seenAt = Date.now();
  state.cases.set(fresh.id, merged);
  scheduleRender();
}

function removeCase(id) {
  if (!state.cases.delete(id)) return;
  if (state.selectedCase === id) state.selectedCase = null;
  scheduleRender();
}

function upsertAssignment(caseId, assignment) {
  const c = state.cases.get(caseId);
  if (!c) {
    fetchCase(caseId);
    return;
  }
  const list = c.assignments;
  const i = list.findIndex((a) => a.id === assignment.id);
  const merged = mergeAssignment(i >= 0 ? list[i] : null, brief(assignment));
  if (i >= 0) list[i] = merged;
  else list.unshift(merged);
  scheduleRender();
}

function upsertUnit(unit) {
  state.units.set(unit.id, { ...state.units.get(unit.id), ...unit });
  if (unit.status !== 'available') state.selectedUnits.delete(unit.id);
  scheduleRender();
}

/* ---------- loading ---------- */

const inFlight = new Map();
async function fetchCase(id) {
  if (inFlight.has(id)) {
    inFlight.set(id, 'again');
    return;
  }
  inFlight.set(id, 'once');
  try {
    do {
      inFlight.set(id, 'once');
      try {
        upsertCase(await api(`/api/cases/${id}/`));
      } catch (err) {
        if (err.status === 404) removeCase(id);
        else notify(err.detail, 'error');
      }
    } while (inFlight.get(id) === 'again');
  } finally {
    inFlight.delete(id);
  }
}

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
        state.units = new Map(units.map((u) => [u.id, u]));
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
      break;
    case 'case.closed':
      removeCase(d.id);
      break;
    case 'unit.updated':
      upsertUnit(d);
      break;
    default:
      if (ivpaEvent(event) || imagingEvent(event) || referralEvent(event)) break;
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
  onReset: (name) => (name === 'ivpa' ? reloadCallouts() : reloadAll()),
  onStatus: showConnection,
});

/* ---------- actions ---------- */

async function dispatchTo(caseId) {
  const units = [...state.selectedUnits];
  if (!units.length) {
    notify(t('console.dispatch_none'), 'warn');
    return;
  }
  try {
    const created = await api(`/api/cases/${caseId}/dispatch/`, { method: 'POST', body: { units } });
    for (const a of created) upsertAssignment(caseId, a);
    state.selectedUnits.clear();
    const ref = state.cases.get(caseId)?.reference || caseId;
    notify(t('console.dispatched', { units: created.map((a) => a.unit_call_sign).join(', '), ref }), 'ok');
    scheduleRender();
  } catch (err) {
    notify(err.detail, 'error');
  }
}

async function cancelAssignment(caseId, assignment) {
  try {
    const updated = await api(`/api/assignments/${assignment.id}/status/`, {
      method: 'POST',
      body: { status: 'cancelled', idempotency_key: uuid(), at: serverNow().toISOString() },
    });
    upsertAssignment(caseId, updated);
    notify(t('console.cancelled', { unit: assignment.unit_call_sign }), 'ok');
  } catch (err) {
    notify(err.detail, 'error');
  }
}

async function redirectAssignment(caseId, assignment, targetId) {
  try {
    const created = await api(`/api/assignments/${assignment.id}/redirect/`, {
      method: 'POST', body: { case: targetId },
    });
    state.redirectOpen = null;
    fetchCase(caseId);
    upsertAssignment(targetId, created);
    notify(t('console.redirected', {
      unit: assignment.unit_call_sign, ref: state.cases.get(targetId)?.reference || targetId,
    }), 'ok');
  } catch (err) {
    notify(err.detail, 'error');
  }
}

async function closeCase(caseId) {
  try {
    const closed = await api(`/api/cases/${caseId}/close/`, { method: 'POST' });
    removeCase(caseId);
    notify(t('console.closed', { ref: closed.reference }), 'ok');
  } catch (err) {
    notify(err.detail, 'error');
  }
}

function selectCase(id, { pan = true } = {}) {
  const changed = state.selectedCase !== id;
  state.selectedCase = id;
  if (changed) {
    loadIvpa(id);
    loadImaging(id);
    loadReferrals(id);
  }
  scheduleRender();
  const c = state.cases.get(id);
  if (pan && c && map) map.panTo([c.latitude, c.longitude]);
}

function toggleUnit(id) {
  const unit = state.units.get(id);
  if (!unit) return;
  if (state.selectedUnits.has(id)) state.selectedUnits.delete(id);
  else if (unit.status === 'available') state.selectedUnits.add(id);
  scheduleRender();
}

/* ---------- rendering ---------- */

let renderQueued = false;
function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    renderCases();
    renderUnits();
    renderMap();
    renderWarnings();
    renderSelection();
    refreshViewer();
  });
}

const sortedCases = () => [...state.cases.values()].sort((a, b) =>
  (PRIORITY_RANK[a.priority] ?? 9) - (PRIORITY_RANK[b.priority] ?? 9)
  || String(b.registered_at).localeCompare(String(a.registered_at)));

const hasWarning = (a) => ACTIVE.has(a.status) && (a.ack_overdue || a.status_overdue);

function redirectTargets(c) {
  return sortedCases().filter((o) => o.id !== c.id && isPriorityOne(o.priority)
    && (PRIORITY_RANK[o.priority] ?? 9) < (PRIORITY_RANK[c.priority] ?? 9));
}

const caseNodes = new Map(); // id -> {sig, node}

function renderCases() {
  const box = document.getElementById('cases');
  const list = sortedCases();
  document.getElementById('case-count').textContent = `(${list.length})`;
  const p1 = list.filter((c) => isPriorityOne(c.priority)).map((c) => c.id).join(',');
  const seen = new Set();
  const order = [];
  for (const c of list) {
    const sig = JSON.stringify([c, state.selectedCase === c.id, state.selectedUnits.size,
      state.redirectOpen, p1, document.documentElement.lang, ivpaBadge(c.id), imagesBadge(c.id),
      referralBadge(c.id)]);
    let entry = caseNodes.get(c.id);
    if (!entry || entry.sig !== sig) {
      const node = caseCard(c);
      const hadFocus = entry && document.activeElement === entry.node;
      if (entry) replaceCard(entry.node, node, state.selectedCase === c.id);
      if (hadFocus) node.focus();
      entry = { sig, node };
      caseNodes.set(c.id, entry);
    }
    order.push(entry.node);
    if (state.selectedCase === c.id) {
      placeIvpaPanel(c, entry.node);
      placeImagePanel(c, entry.node);
      placeReferralPanel(c, entry.node);
    }
    seen.add(c.id);
  }
  placeInOrder(box, order);
  for (const [id, entry] of caseNodes) {
    if (!seen.has(id)) {
      entry.node.remove();
      caseNodes.delete(id);
    }
  }
  let empty = box.querySelector('.empty');
  if (!list.length && !empty) box.append(el('p', { class: 'empty' }, t('console.no_cases')));
  if (list.length && empty) empty.remove();
}

/**
 * A redrawn card of the selected case takes over the old one's panels as they are, with the
 * focus in them; a card no longer selected leaves its panels behind.
 */
function replaceCard(old, fresh, selected) {
  if (!selected) {
    old.replaceWith(fresh);
    return;
  }
  old.before(fresh);
  const actions = fresh.querySelector(':scope > .case-actions');
  for (const panel of old.querySelectorAll(':scope > #ivpa-panel, :scope > #images-panel, :scope > #referral-panel')) {
    place(fresh, panel, actions);
  }
  old.remove();
}

function caseCard(c) {
  const warn = c.assignments.some(hasWarning);
  const card = el('article', {
    class: `case prio prio-${c.priority}${state.selectedCase === c.id ? ' is-selected' : ''}${warn ? ' has-warning' : ''}`,
    dataset: { id: c.id, reference: c.reference || '' },
    'aria-label': `${c.reference} ${c.priority} ${c.complaint}`,
  });
  card.tabIndex = 0;
  card.addEventListener('click', (e) => {
    if (!e.target.closest('button, select, a, input, textarea, label')) selectCase(c.id);
  });
  card.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.target === card) selectCase(c.id);
  });
  card.append(...[
    el('div', { class: 'case-head' },
      el('span', { class: `prio-badge prio-${c.priority}` }, c.priority),
      el('span', { class: 'case-ref' }, c.reference),
      c.is_prioritised_line ? el('span', { class: 'case-flag' }, t('console.prioritised_line')) : null,
      el('span', { class: 'case-time', title: c.registered_at }, fmtTime(c.registered_at))),
    el('div', { class: 'case-complaint' }, c.complaint),
    c.case_type && c.case_type !== 'other' ? el('div', { class: 'case-type' },
      t(`ivpa.case_type.${c.case_type}`),
      ...(c.scene_flags || []).map((f) => el('span', { class: 'case-flag' }, t(`ivpa.scene_flag.${f}`)))) : null,
    ivpaBadge(c.id) ? el('div', { class: 'case-ivpa' }, ivpaBadge(c.id)) : null,
    imagesBadge(c.id) ? el('div', { class: 'case-images' }, imagesBadge(c.id)) : null,
    referralBadge(c.id) ? el('div', { class: 'case-referral' }, referralBadge(c.id)) : null,
    el('div', { class: 'case-address' }, [c.address, c.municipality].filter(Boolean).join(', ')),
    c.safety_warning ? el('div', { class: 'case-safety' }, '⚠ ', c.safety_warning) : null,
    c.mbs_priority !== c.priority ? el('div', { class: 'case-meta' }, t('console.mbs', {
      mbs: c.mbs_priority, priority: c.priority, reason: c.priority_change_reason,
    })) : null,
    el('div', { class: 'case-meta' },
      `${t('console.caller')}: ${c.caller_number}`,
      c.patient_name || c.personal_identity_number
        ? ` · ${[c.patient_name, c.personal_identity_number].filter(Boolean).join(', ')}` : ''),
  ].filter(Boolean));
  if (c.assignments.length) {
    card.append(el('ul', { class: 'assignments' }, c.assignments.map((a) => assignmentRow(c, a))));
  }
  const dispatchBtn = el('button', {
    type: 'button', class: 'btn btn-primary btn-small dispatch-btn',
    disabled: state.selectedUnits.size === 0,
  }, t('console.dispatch', { n: state.selectedUnits.size }));
  dispatchBtn.addEventListener('click', () => dispatchTo(c.id));
  const closeBtn = el('button', { type: 'button', class: 'btn btn-ghost btn-small close-btn' }, t('console.close_case'));
  twoStep(closeBtn, t('console.close_confirm'), () => closeCase(c.id));
  card.append(el('div', { class: 'case-actions' }, dispatchBtn, closeBtn));
  return card;
}

function assignmentRow(c, a) {
  const active = ACTIVE.has(a.status);
  const row = el('li', {
    class: `asg st-${a.status}${active ? '' : ' is-ended'}${hasWarning(a) ? ' has-warning' : ''}`,
    dataset: { assignment: a.id, unit: a.unit, status: a.status },
  },
  el('span', { class: 'asg-unit' }, a.unit_call_sign),
  el('span', { class: `badge st-${a.status}` }, statusLabel(a.status)),
  el('span', { class: 'asg-since', dataset: { since: a.status_changed_at } }, since(a.status_changed_at)));
  const actions = el('span', { class: 'asg-actions' });
  if (canMove(a.status, 'redirected')) {
    const targets = redirectTargets(c);
    const redirectBtn = el('button', {
      type: 'button', class: 'btn btn-ghost btn-small redirect-btn', disabled: targets.length === 0,
      title: targets.length ? null : t('console.redirect_none'),
    }, t('console.redirect'));
    redirectBtn.addEventListener('click', () => {
      state.redirectOpen = state.redirectOpen === a.id ? null : a.id;
      scheduleRender();
    });
    actions.append(redirectBtn);
  }
  if (canMove(a.status, 'cancelled')) {
    const cancelBtn = el('button', { type: 'button', class: 'btn btn-ghost btn-small cancel-btn' }, t('console.cancel'));
    twoStep(cancelBtn, t('console.cancel_confirm'), () => cancelAssignment(c.id, a));
    actions.append(cancelBtn);
  }
  row.append(actions);
  if (active && a.ack_overdue) {
    row.append(el('span', { class: 'asg-warn' }, '⚠ ', t('console.ack_overdue', { s: ACK_TIMEOUT, n: a.resend_count })));
  }
  if (active && a.status_overdue) {
    row.append(el('span', { class: 'asg-warn is-status' }, '⚠ ', t('console.status_overdue', { status: statusLabel(a.status) })));
  }
  if (state.redirectOpen === a.id && canMove(a.status, 'redirected')) {
    const select = el('select', { 'aria-label': t('console.redirect_choose') },
      redirectTargets(c).map((o) => el('option', { value: o.id }, `${o.priority} · ${o.reference} · ${o.complaint}`)));
    const go = el('button', { type: 'button', class: 'btn btn-danger btn-small' }, t('console.redirect_go'));
    go.addEventListener('click', () => redirectAssignment(c.id, a, Number(select.value)));
    row.append(el('span', { class: 'asg-redirect' }, select, go));
  }
  return row;
}

const unitRows = new Map();

function activeAssignmentsByUnit() {
  const byUnit = new Map();
  for (const c of state.cases.values()) {
    for (const a of c.assignments) if (ACTIVE.has(a.status)) byUnit.set(a.unit, { c, a });
  }
  return byUnit;
}

function renderUnits() {
  const body = document.querySelector('#units tbody');
  const region = document.getElementById('unit-region').value;
  const availableOnly = document.getElementById('unit-available-only').checked;
  const byUnit = activeAssignmentsByUnit();
  const units = [...state.units.values()].sort((a, b) => a.call_sign.localeCompare(b.call_sign));
  const seen = new Set();
  const order = [];
  for (const u of units) {
    const visible = (!region || String(u.region) === region)
      && (!availableOnly || u.status === 'available' || state.selectedUnits.has(u.id));
    if (!visible) continue;
    const on = byUnit.get(u.id);
    const selected = state.selectedUnits.has(u.id);
    const sig = JSON.stringify([u, selected, on ? [on.c.reference, on.a.status] : null]);
    let entry = unitRows.get(u.id);
    if (!entry || entry.sig !== sig) {
      const box = el('input', {
        type: 'checkbox', checked: selected, disabled: u.status !== 'available' && !selected,
        'aria-label': u.call_sign, dataset: { unit: u.id },
      });
      box.addEventListener('change', () => toggleUnit(u.id));
      const node = el('tr', { class: selected ? 'is-selected' : '', dataset: { unit: u.id, callSign: u.call_sign, status: u.status } },
        el('td', {}, box),
        el('td', {}, el('span', { class: 'unit-call' }, u.call_sign), el('span', { class: 'unit-kind' }, kindLabel(u.kind))),
        el('td', {}, u.home_station_name || ''),
        el('td', {}, el('span', { class: `badge st-${u.status}` }, statusLabel(u.status))),
        el('td', {}, on ? t('console.on_case', { ref: on.c.reference }) : ''));
      if (entry) entry.node.replaceWith(node);
      entry = { sig, node };
      unitRows.set(u.id, entry);
    }
    order.push(entry.node);
    seen.add(u.id);
  }
  placeInOrder(body, order);
  for (const [id, entry] of unitRows) {
    if (!seen.has(id)) {
      entry.node.remove();
      unitRows.delete(id);
    }
  }
}

function renderWarnings() {
  let n = 0;
  for (const c of state.cases.values()) n += c.assignments.filter(hasWarning).length;
  const box = document.getElementById('warnings');
  box.hidden = n === 0;
  box.textContent = n ? `⚠ ${n === 1 ? t('console.warning') : t('console.warnings', { n })}` : '';
}

function renderSelection() {
  const names = [...state.selectedUnits].map((id) => state.units.get(id)?.call_sign).filter(Boolean);
  document.getElementById('unit-selection').textContent = names.length
    ? t('console.selected_units', { units: names.join(', ') }) : '';
}

setInterval(() => {
  for (const node of document.querySelectorAll('[data-since]')) node.textContent = since(node.dataset.since);
}, 10000);

/* ---------- map ---------- */

let map = null;
const unitMarkers = new Map();
const caseMarkers = new Map();
let pickMarker = null;
let fitted = false;

function initMap() {
  if (!window.L) return;
  const tileUrl = root.dataset.tileUrl;
  map = L.map('map', { maxZoom: 18, minZoom: 4, attributionControl: Boolean(tileUrl), zoomSnap: 0.5 })
    .setView([59.5, 16.8], 8);
  if (tileUrl) {
    L.tileLayer(tileUrl, { maxZoom: 18, attribution: root.dataset.tileAttribution || '' }).addTo(map);
  }
  L.control.scale({ imperial: false }).addTo(map);
  map.on('click', (e) => pickPosition(e.latlng.lat, e.latlng.lng));
}

function fitMapOnce() {
  if (fitted || !map) return;
  const points = [...state.units.values()].filter((u) => u.latitude != null).map((u) => [u.latitude, u.longitude]);
  state.stations.forEach((s) => points.push([s.latitude, s.longitude]));
  if (points.length) {
    map.fitBounds(points, { padding: [30, 30] });
    fitted = true;
  }
}

function renderMap() {
  if (!map) return;
  // Units at the same spot (a station) are stacked under each other, not drawn on top.
  const stacks = new Map();
  const units = [...state.units.values()].filter((u) => u.latitude != null && u.longitude != null)
    .sort((a, b) => a.call_sign.localeCompare(b.call_sign));
  const seen = new Set();
  for (const u of units) {
    const key = `${u.latitude.toFixed(4)},${u.longitude.toFixed(4)}`;
    const index = stacks.get(key) || 0;
    stacks.set(key, index + 1);
    const selected = state.selectedUnits.has(u.id);
    const sig = `${u.status}|${selected}|${index}|${key}`;
    let marker = unitMarkers.get(u.id);
    if (!marker) {
      marker = L.marker([u.latitude, u.longitude], { keyboard: false, title: u.call_sign });
      marker.on('click', () => toggleUnit(u.id));
      marker.addTo(map);
      unitMarkers.set(u.id, marker);
    }
    if (marker._sig !== sig) {
      marker.setLatLng([u.latitude, u.longitude]);
      marker.setIcon(L.divIcon({
        className: `unit-marker st-${u.status}${selected ? ' is-selected' : ''}`,
        html: el('span', {}, el('span', { class: 'dot' }), el('span', { class: 'lbl' }, u.call_sign)),
        iconSize: null,
        iconAnchor: [9, 9 - index * 20],
      }));
      marker.getElement()?.setAttribute('data-unit', u.id);
      marker._sig = sig;
    }
    seen.add(u.id);
  }
  for (const [id, marker] of unitMarkers) {
    if (!seen.has(id)) {
      marker.remove();
      unitMarkers.delete(id);
    }
  }
  const seenCases = new Set();
  for (const c of state.cases.values()) {
    const selected = state.selectedCase === c.id;
    const sig = `${c.priority}|${selected}|${c.latitude}|${c.longitude}`;
    let marker = caseMarkers.get(c.id);
    if (!marker) {
      marker = L.marker([c.latitude, c.longitude], { keyboard: false, zIndexOffset: 1000 });
      marker.on('click', () => selectCase(c.id, { pan: false }));
      marker.addTo(map);
      caseMarkers.set(c.id, marker);
    }
    if (marker._sig !== sig) {
      marker.setLatLng([c.latitude, c.longitude]);
      marker.setIcon(L.divIcon({
        className: `case-marker prio prio-${c.priority}${selected ? ' is-selected' : ''}`,
        html: el('span', { class: 'tag', title: c.complaint }, `${c.priority} ${(c.reference || '').split('-').pop()}`),
        iconSize: null,
        iconAnchor: [0, 0],
      }));
      marker._sig = sig;
    }
    seenCases.add(c.id);
  }
  for (const [id, marker] of caseMarkers) {
    if (!seenCases.has(id)) {
      marker.remove();
      caseMarkers.delete(id);
    }
  }
}

function drawStations() {
  if (!map) return;
  for (const s of state.stations) {
    L.marker([s.latitude, s.longitude], {
      interactive: false, keyboard: false, zIndexOffset: -1000,
      icon: L.divIcon({ className: 'station-marker', html: el('span', {}, s.name), iconSize: null, iconAnchor: [0, 0] }),
    }).addTo(map);
  }
}

/* ---------- the case form ---------- */

const form = document.getElementById('case-form');
const field = (id) => document.getElementById(id);
let answeredAt = null;

function nearestRegion(lat, lon) {
  let best = null;
  let bestDistance = Infinity;
  for (const s of state.stations) {
    const d = (s.latitude - lat) ** 2 + ((s.longitude - lon) * Math.cos(lat * Math.PI / 180)) ** 2;
    if (d < bestDistance) {
      bestDistance = d;
      best = s.region;
    }
  }
  return best;
}

function pickPosition(lat, lon) {
  field('case-lat').value = lat.toFixed(5);
  field('case-lon').value = lon.toFixed(5);
  const region = nearestRegion(lat, lon);
  if (region != null) field('case-region').value = String(region);
  markPick();
  answeredAt ??= serverNow();
}

function markPick() {
  if (!map) return;
  const lat = parseFloat(field('case-lat').value);
  const lon = parseFloat(field('case-lon').value);
  if (Number.isNaN(lat) || Number.isNaN(lon)) {
    pickMarker?.remove();
    pickMarker = null;
    return;
  }
  if (!pickMarker) {
    pickMarker = L.marker([lat, lon], {
      interactive: false, zIndexOffset: 2000,
      icon: L.divIcon({ className: 'pick-marker', iconSize: [22, 22], iconAnchor: [11, 11] }),
    }).addTo(map);
  } else {
    pickMarker.setLatLng([lat, lon]);
  }
}

function syncReason() {
  const mbs = field('case-mbs').value;
  const chosen = field('case-priority').value;
  const differs = Boolean(mbs && chosen && mbs !== chosen);
  field('case-reason-field').hidden = !differs;
  field('case-reason').required = differs;
}

function formError(message, errors) {
  const box = field('case-form-error');
  box.hidden = !message;
  box.textContent = message || '';
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  for (const name of Object.keys(errors || {})) form.elements[name]?.setAttribute('aria-invalid', 'true');
}

form.addEventListener('input', () => { answeredAt ??= serverNow(); });
field('case-mbs').addEventListener('change', () => {
  if (!field('case-priority').value) field('case-priority').value = field('case-mbs').value;
  syncReason();
});
field('case-priority').addEventListener('change', syncReason);
function typedPosition() {
  const lat = parseFloat(field('case-lat').value);
  const lon = parseFloat(field('case-lon').value);
  if (!Number.isNaN(lat) && !Number.isNaN(lon)) {
    const region = nearestRegion(lat, lon);
    if (region != null) field('case-region').value = String(region);
  }
  markPick();
}
field('case-lat').addEventListener('change', typedPosition);
field('case-lon').addEventListener('change', typedPosition);

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  syncReason();
  if (!form.reportValidity()) return;
  const v = (id) => field(id).value.trim();
  const body = {
    region: Number(v('case-region')),
    caller_number: v('case-caller'),
    is_prioritised_line: field('case-prioritised').checked,
    address: v('case-address'),
    municipality: v('case-municipality'),
    latitude: parseFloat(v('case-lat')),
    longitude: parseFloat(v('case-lon')),
    complaint: v('case-complaint'),
    mbs_priority: v('case-mbs'),
    priority: v('case-priority'),
    priority_change_reason: field('case-reason').required ? v('case-reason') : '',
    safety_warning: v('case-safety'),
    personal_identity_number: v('case-pin'),
    patient_name: v('case-patient'),
    notes: v('case-notes'),
    door_code: v('case-door-code'),
    scene_flags: [...form.querySelectorAll('input[name="scene_flags"]:checked')].map((n) => n.value),
  };
  if (v('case-type')) body.case_type = v('case-type');
  if (answeredAt && answeredAt <= serverNow()) body.call_answered_at = answeredAt.toISOString();
  const submit = field('case-submit');
  submit.disabled = true;
  try {
    const created = await api('/api/cases/', { method: 'POST', body });
    formError('');
    form.reset();
    answeredAt = null;
    syncReason();
    markPick();
    upsertCase(created);
    selectCase(created.id);
    notify(t('console.registered', { ref: created.reference }), 'ok');
  } catch (err) {
    formError(err.detail, err.body?.errors);
  } finally {
    submit.disabled = false;
  }
});

document.getElementById('unit-region').addEventListener('change', scheduleRender);
document.getElementById('unit-available-only').addEventListener('change', scheduleRender);
document.getElementById('warnings').addEventListener('click', () => {
  document.querySelector('.case.has-warning')?.scrollIntoView({ behavior: 'smooth', block: 'center' });
});

/* ---------- start ---------- */

async function start() {
  initMap();
  setupIvpa({ getCase: (id) => state.cases.get(id), scheduleRender, selectedCase: () => state.selectedCase });
  setupImages({ getCase: (id) => state.cases.get(id), scheduleRender });
  setupReferrals({ getCase: (id) => state.cases.get(id), scheduleRender, selectCase: (id) => {
    if (state.cases.has(id)) selectCase(id);
    else fetchCase(id).then(() => state.cases.has(id) && selectCase(id));
  } });
  try {
    const [me, stations, regions] = await Promise.all([
      api('/api/me/'), api('/api/stations/'), api('/api/regions/'),
    ]);
    state.stations = stations;
    regions.forEach((r) => state.regions.set(r.id, r));
    drawStations();
    stream.setStreams(me.streams);
  } catch (err) {
    notify(err.detail, 'error');
    stream.setStreams(['dispatch', 'units', 'ivpa']);
  }
  loadMunicipalities();
  await reloadAll();
  fitMapOnce();
}

start();
