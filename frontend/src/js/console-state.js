/* What the console knows: the open cases with their assignments and the units, as the API
   and the `dispatch` and `units` streams tell them, and what the dispatcher has selected. Every
   change schedules one redraw (setRender: console.js says what is drawn, in which order). A
   case is fetched over HTTP, where the read is logged: events carry no patient data. */

import { ACTIVE, api, mergeAssignment, notify } from './common.js';
import { table } from './tables.js';

// Priorities, most urgent first (dispatch.models, handed over by the page: frontend/tables.py).
const PRIORITIES = table('priority') || { rank: {}, priority_one: [] };
export const PRIORITY_RANK = PRIORITIES.rank;
export const isPriorityOne = (p) => PRIORITIES.priority_one.includes(p);
const ASSIGNMENT_FIELDS = ['id', 'unit', 'unit_call_sign', 'status', 'status_changed_at',
  'ack_overdue', 'status_overdue', 'resend_count', 'destination_hospital', 'destination_name',
  'destination_set_at', 'destination_set_by_name', 'unread_messages', 'override_reason', 'staging'];

export const state = {
  cases: new Map(), // id -> case (with assignments), open cases only
  units: new Map(), // id -> unit
  stations: [],
  regions: new Map(), // id -> {id, code, name}
  selectedCase: null,
  selectedUnits: new Set(),
  redirectOpen: null, // assignment id whose redirect picker is open
};

export const sortedCases = () => [...state.cases.values()].sort((a, b) =>
  (PRIORITY_RANK[a.priority] ?? 9) - (PRIORITY_RANK[b.priority] ?? 9)
  || String(b.registered_at).localeCompare(String(a.registered_at)));

/** An active assignment not acknowledged, or not moved on, in time. */
export const hasWarning = (a) => ACTIVE.has(a.status) && (a.ack_overdue || a.status_overdue);

/* ---------- redrawing ---------- */

let render = () => {};
let renderQueued = false;

/** What one redraw does (console.js: the case list, the units, the map...). */
export function setRender(fn) {
  render = fn;
}

export function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    render();
  });
}

/* ---------- state changes ---------- */

function brief(assignment) {
  const out = {};
  for (const key of ASSIGNMENT_FIELDS) if (key in assignment) out[key] = assignment[key];
  return out;
}

export function mergeCase(old, fresh) {
  if (!old) return { ...fresh, assignments: (fresh.assignments || []).map(brief) };
  const byId = new Map(old.assignments.map((a) => [a.id, a]));
  for (const a of fresh.assignments || []) byId.set(a.id, mergeAssignment(byId.get(a.id), brief(a)));
  return { ...old, ...fresh, assignments: [...byId.values()].sort((x, y) => y.id - x.id) };
}

export function upsertCase(fresh) {
  if (fresh.status === 'closed') {
    removeCase(fresh.id);
    return;
  }
  const merged = mergeCase(state.cases.get(fresh.id), fresh);
  merged._seenAt = Date.now();
  state.cases.set(fresh.id, merged);
  scheduleRender();
}

export function removeCase(id) {
  if (!state.cases.delete(id)) return;
  if (state.selectedCase === id) state.selectedCase = null;
  scheduleRender();
}

export function upsertAssignment(caseId, assignment) {
  const c = state.cases.get(caseId);
  if (!c) {
    fetchCase(caseId);
    return;
  }
  const list = c.assignments;
  const i = list.findIndex((a) => a.id === assignment.id);
  // An event names the destination by its id only: the case (its assignments) says the name.
  if ('destination_hospital' in assignment
      && assignment.destination_hospital !== (i >= 0 ? list[i].destination_hospital ?? null : null)) {
    fetchCase(caseId);
  }
  const merged = mergeAssignment(i >= 0 ? list[i] : null, brief(assignment));
  if (i >= 0) list[i] = merged;
  else list.unshift(merged);
  scheduleRender();
}

export function upsertUnit(unit) {
  state.units.set(unit.id, { ...state.units.get(unit.id), ...unit, _seenAt: Date.now() });
  if (unit.status !== 'available') state.selectedUnits.delete(unit.id);
  scheduleRender();
}

const inFlight = new Map();
/** A case as the server has it now; asked again if asked while on the way. */
export async function fetchCase(id) {
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
