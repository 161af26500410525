/* Mass-casualty triage (*masskadetriage*) on the crew's tablet: while TiB's switch to it holds,
   a band at the top of the screen says so with the incident's title ("Masskadetriage gäller –
   <titel>", "ÖVNING" before it for an exercise). The mode comes from GET /api/incidents/mode/
   on load and after the stream's reset, then from `incident.mode` events on the incident-mode
   stream (me.streams has it for crews); the crews see nothing else of the incident. */

import { api, el, t } from './common.js';

let band = null;

function bandNode() {
  if (!band) {
    band = el('div', { id: 'crew-incident', class: 'crew-incident-band', role: 'status', hidden: true });
    const root = document.getElementById('crew');
    const heading = root?.querySelector('h1');
    if (heading) heading.after(band);
    else (root || document.body).prepend(band);
  }
  return band;
}

function show(mode) {
  const node = bandNode();
  node.hidden = !mode?.active;
  node.dataset.exercise = mode?.exercise ? 'yes' : 'no';
  node.textContent = mode?.active
    ? `${mode.exercise ? `${t('crew.incident.exercise_prefix')} – ` : ''}${t('crew.incident.banner', { title: mode.title || '' })}`
    : '';
}

/** The mode as the server has it (on load, after the stream's reset). */
export async function crewIncidentLoad() {
  try {
    show(await api('/api/incidents/mode/'));
  } catch { /* offline or refused: the band stays as known; the next event tells */ }
}

/** `incident.mode`: true when it was one. */
export function crewIncidentEvent(event) {
  if (event.type !== 'incident.mode') return false;
  show(event.data || {});
  return true;
}

// On the page's start: a reloaded tablet resumes its stream where it was (no reset), so the
// mode is asked for once here.
if (typeof document !== 'undefined') crewIncidentLoad();
