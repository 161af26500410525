/* What the console warns of and keeps ticking: the count of assignments not acknowledged or
   not moved on in time (a click scrolls to the first such case), and the time since each
   assignment's status changed, brought up to date every 10 s. */

import { since, t } from './common.js';
import { hasWarning, state } from './console-state.js';

export function renderWarnings() {
  let n = 0;
  for (const c of state.cases.values()) n += c.assignments.filter(hasWarning).length;
  const box = document.getElementById('warnings');
  box.hidden = n === 0;
  box.textContent = n ? `⚠ ${t('console.warnings', { n })}` : '';
}

setInterval(() => {
  for (const node of document.querySelectorAll('[data-since]')) node.textContent = since(node.dataset.since);
}, 10000);

document.getElementById('warnings').addEventListener('click', () => {
  document.querySelector('.case.has-warning')?.scrollIntoView({ behavior: 'smooth', block: 'center' });
});
