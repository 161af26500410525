/* The staging point (*brytpunkt*) on the crew tablet: while the dispatch centre has ordered
   one and not released it, the card shows it above the address with the reason, the map marks
   it and "Navigera" goes there (crew-map.js asks stagingTarget), and the big button sets "at
   staging point" and then waits. The release arrives live on the unit stream
   (`assignment.staging_released`): a notice that stays, a tone, and the button says "on
   scene". The steps come from the server's status machine (the page's assignment table:
   `next_step`, and `staging_step` while a point is ordered). */

import { el, fmtTime, notify, t } from './common.js';
import { chime } from './sound.js';
import { table } from './tables.js';

const NEXT = table('assignment')?.next_step || {};
const STAGING_NEXT = table('assignment')?.staging_step || {};
// Before the crew is on scene the way goes to an ordered staging point.
const BEFORE_SCENE = new Set(['alerted', 'acknowledged', 'en_route', 'at_staging']);
const $ = (id) => document.getElementById(id);

/** Whether a's staging point is ordered and still holds the crew back. */
export const stagingPending = (a) => Boolean(a?.staging && !a.staging.released_at);

/** The crew's next step after `status` on assignment a (the big button, as the server's). */
export function stagingStep(a, status) {
  return (stagingPending(a) ? STAGING_NEXT[status] : NEXT[status]) || null;
}

/** The staging point as the place to go now ({latitude, longitude, label, kind}), or null. */
export function stagingTarget(a) {
  const s = a?.staging;
  if (!stagingPending(a) || !BEFORE_SCENE.has(a.status)) return null;
  if (!Number.isFinite(s.latitude) || !Number.isFinite(s.longitude)) return null;
  return { latitude: s.latitude, longitude: s.longitude, label: t('crew.staging.map'), kind: 'staging' };
}

let box = null;
function panel() {
  if (box) return box;
  box = el('section', { id: 'a-staging', class: 'a-staging', role: 'status', hidden: true });
  $('a-address').before(box);
  return box;
}

/** The card's staging banner for assignment a (hidden when there is none, or once on scene). */
export function renderStaging(a) {
  const node = panel();
  const s = a.staging;
  node.hidden = !s || !BEFORE_SCENE.has(a.status);
  if (node.hidden) return;
  const released = Boolean(s.released_at);
  node.dataset.state = released ? 'released' : 'waiting';
  node.className = `a-staging ${released ? 'is-released' : 'is-waiting'}`;
  node.replaceChildren(
    el('strong', { class: 'a-staging-title' }, released ? t('crew.staging.released') : t('crew.staging.wait')),
    s.reason ? el('p', { class: 'a-staging-reason' }, t('crew.staging.reason', { reason: s.reason })) : null,
    released
      ? el('p', { class: 'a-staging-by' }, t('crew.staging.released_by', {
        name: s.released_by_name || '', time: fmtTime(s.released_at, true) }))
      : a.status === 'at_staging' ? el('p', { class: 'a-staging-waiting' }, t('crew.staging.waiting')) : null,
  );
}

/** The unit stream's staging events (after the card took the summary): ordered → say so,
    released → the clear notice and a tone. `before`: the assignment as it was. */
export function stagingEvent(event, before) {
  if (!before) return; // not this tablet's assignment (yet): its card says it when fetched
  if (event.type === 'assignment.staging' && !before?.staging) {
    notify(t('crew.staging.ordered'), 'warn', { timeout: 60000 });
    chime();
  } else if (event.type === 'assignment.staging_released' && !before?.staging?.released_at) {
    notify(t('crew.staging.released'), 'warn', { timeout: 60000 });
    chime();
  }
}
