/* The console's form for a new case: the caller, the address and position (searched and picked
   or typed, console-address.js, or a click on the map, which proposes the nearest address; the
   region follows the municipality, else it is guessed from the nearest station), the complaint and the kind of case,
   the priority by the index (MBS) and the one chosen (with a reason when they differ), the
   safety warning, the patient, notes and door code. The call counts as answered from the first
   keystroke or click in it. */

import { api, notify, serverNow, t } from './common.js';
import { addressReset, municipalityKnown, proposeNearest } from './console-address.js';
import { selectCase } from './console-cases.js';
import { newCaseTriage } from './console-incident-triage.js';
import { markPick as showPick } from './console-map.js';
import { formLookupClear, setupFormLookup } from './console-person.js';
import { state, upsertCase } from './console-state.js';

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

/** The region of a position without a known municipality: the nearest station's. */
function guessRegion(lat, lon) {
  if (municipalityKnown()) return;
  const region = nearestRegion(lat, lon);
  if (region != null) field('case-region').value = String(region);
}

/** A click on the map: the new case is there, and the nearest address is proposed. */
export function pickPosition(lat, lon) {
  field('case-lat').value = lat.toFixed(5);
  field('case-lon').value = lon.toFixed(5);
  guessRegion(lat, lon);
  markPick();
  answeredAt ??= serverNow();
  proposeNearest(lat, lon);
  form.dispatchEvent(new Event('case-position')); // the risk notices there (console-notices.js)
}

function markPick() {
  showPick(parseFloat(field('case-lat').value), parseFloat(field('case-lon').value));
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
// A care plan for the number calling, or the identity number typed, shows above the form.
setupFormLookup({ caller: field('case-caller'), pin: field('case-pin'), box: field('case-careplan') });
field('case-mbs').addEventListener('change', () => {
  if (!field('case-priority').value) field('case-priority').value = field('case-mbs').value;
  syncReason();
});
field('case-priority').addEventListener('change', syncReason);
function typedPosition() {
  const lat = parseFloat(field('case-lat').value);
  const lon = parseFloat(field('case-lon').value);
  if (!Number.isNaN(lat) && !Number.isNaN(lon)) guessRegion(lat, lon);
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
    // What a unit must have to be recommended (the recommended units say who lacks it).
    required_capabilities: [...form.querySelectorAll('input[name="required_capabilities"]:checked')].map((n) => n.value),
  };
  if (v('case-type')) body.case_type = v('case-type');
  Object.assign(body, newCaseTriage()); // while mass-casualty triage holds
  // The server derives the region from the municipality, and records one chosen otherwise.
  if (v('case-region')) body.region = Number(v('case-region'));
  if (v('case-municipality-code')) body.municipality_code = v('case-municipality-code');
  if (answeredAt && answeredAt <= serverNow()) body.call_answered_at = answeredAt.toISOString();
  const submit = field('case-submit');
  submit.disabled = true;
  try {
    const created = await api('/api/cases/', { method: 'POST', body });
    formError('');
    form.reset();
    addressReset();
    formLookupClear();
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
