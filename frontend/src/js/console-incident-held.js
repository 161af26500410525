/* The units held by a major incident on the console (*utlovade enheter*, issue 17): a named unit
   of a pledge not withdrawn, of an incident TiB confirmed and has not stood down, is marked in
   the units table ("Utlovad: <titel>") so that it is not sent elsewhere. The server holds it
   too (dispatch/holds.py: the recommendations show it as held); this is what the dispatcher
   sees before asking. Worked out from the incidents the console fetches (console-incident.js):
   no request of its own. No imports: tests/js/incident-held.test.mjs runs it in node. */

/** {unit id: {incident, title, exercise}} of `incidents` (the details as GET
    /api/incidents/{id}/ has them): the first confirmed incident to name a unit keeps it. */
export function heldFrom(incidents) {
  const held = new Map();
  const confirmed = [...incidents].filter((i) => i?.state === 'confirmed' && !i.stood_down_at)
    .sort((a, b) => String(a.confirmed_at).localeCompare(String(b.confirmed_at)));
  for (const incident of confirmed) {
    for (const region of incident.regions || []) {
      for (const pledge of region.pledges || []) {
        if (pledge.withdrawn_at) continue;
        for (const unit of pledge.units || []) {
          if (!held.has(unit.id)) {
            held.set(unit.id, { incident: incident.id, title: incident.title, exercise: Boolean(incident.exercise) });
          }
        }
      }
    }
  }
  return held;
}

let held = new Map();
let signature = '[]';

/** Take the incidents as they are now; true when the units held changed (the units table is
    drawn again then). */
export function heldUpdate(incidents) {
  const next = heldFrom(incidents);
  const sig = JSON.stringify([...next].sort((a, b) => a[0] - b[0]));
  if (sig === signature) return false;
  held = next;
  signature = sig;
  return true;
}

/** The incident a unit is held for ({incident, title, exercise}), or null. */
export const unitHeld = (id) => held.get(id) || null;
