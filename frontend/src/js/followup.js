/* The follow-up screen (/followup/, seed 000 §3 and seed 004): the measures per region and
   tertial (followup-measures.js, its records followup-records.js), the targets
   (followup-targets.js), the station table (followup-stations.js), the monthly feedback
   (followup-feedback.js), the crews' reports of threats and violence (followup-safety.js) and, for
   the manager, the imports (followup-import.js). Each part is
   a tab (arrow keys move between them, the address's #hash opens one: a dispatcher told their
   feedback is ready follows /followup/#feedback) and loads its data when first shown. */

import { loadFeedback, setupFeedback } from './followup-feedback.js';
import { loadRuns, setupImport } from './followup-import.js';
import { loadMeasures, setupMeasures } from './followup-measures.js';
import { loadSafety, setupSafety } from './followup-safety.js';
import { loadStations, setupStations } from './followup-stations.js';
import { loadTargets, setupTargets } from './followup-targets.js';
import './page.js';

const LOAD = {
  measures: loadMeasures, targets: loadTargets, stations: loadStations, feedback: loadFeedback, import: loadRuns,
  safety: loadSafety,
};
const loaded = new Set();
const tabs = [...document.querySelectorAll('.fu-tab')];

/** Show one tab; a tab chosen (not the one the page opened on) goes into the address, so a
    reload or a link keeps it. */
function select(name, { focus = false, remember = true } = {}) {
  const tab = document.getElementById(`tab-${name}`);
  if (!tab) return;
  for (const other of tabs) {
    const on = other === tab;
    other.setAttribute('aria-selected', String(on));
    other.tabIndex = on ? 0 : -1;
    document.getElementById(other.getAttribute('aria-controls')).hidden = !on;
  }
  if (focus) tab.focus();
  if (remember && location.hash !== `#${name}`) history.replaceState(null, '', `#${name}`);
  if (!loaded.has(name)) {
    loaded.add(name);
    LOAD[name]?.();
  }
}

tabs.forEach((tab, i) => {
  const name = tab.getAttribute('aria-controls');
  tab.addEventListener('click', () => select(name));
  tab.addEventListener('keydown', (e) => {
    const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    select(tabs[(to + tabs.length) % tabs.length].getAttribute('aria-controls'), { focus: true });
  });
});

setupMeasures();
setupTargets();
setupStations();
setupFeedback();
setupSafety();
if (document.getElementById('import')) setupImport();

const fromHash = () => {
  const name = location.hash.slice(1);
  return document.getElementById(`tab-${name}`) ? name : 'measures';
};
addEventListener('hashchange', () => select(fromHash()));
select(fromHash(), { remember: false });
