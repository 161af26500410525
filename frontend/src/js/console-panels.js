/* The selected case's panels, below the case card's own lines and actions: those that apply to
   the case are shown, the others are one click away in a row "More actions: IVPA · Referral".

   - IVPA (first responders) applies to the priorities and case types responders are alerted
     for (the page's "ivpa" table: ivpa.selectors.coverage, from the connected municipalities),
     and to a case that had a callout whatever it became since.
   - A referral applies to the priorities at which a case may be referred (the "referral"
     table's priorities: settings.REFERRAL_PRIORITIES, which referral_send enforces), and to a
     case that was referred.
   - Caller images always apply.

   The rules are the server's (frontend/tables.py); nothing here keeps a copy. A panel opened by
   hand stays open for that case until closed again with the same button. */

import { el, placeInOrder, t } from './common.js';
import { imagePanel } from './console-images.js';
import { hasCallouts, ivpaPanelOf } from './console-ivpa.js';
import { hasReferrals, referralPanel } from './console-referrals.js';
import { scheduleRender } from './console-state.js';
import { table } from './tables.js';

const IVPA = () => table('ivpa') || { priorities: [], case_types: [] };
const REFERRABLE = () => table('referral')?.priorities || [];

/** Whether first responders may be alerted for a case of this priority and type. */
export const ivpaApplies = (c) => IVPA().priorities.includes(c.priority)
  && IVPA().case_types.includes(c.case_type);

/** Whether a case of this priority may be referred to a mobile care unit. */
export const referralApplies = (c) => REFERRABLE().includes(c.priority);

/* The panels in the order they are shown; shown(c): by the rule, else only when opened. */
const PANELS = [
  { name: 'ivpa', id: 'ivpa-panel', label: () => t('console.panels.ivpa'), node: ivpaPanelOf,
    shown: (c) => ivpaApplies(c) || hasCallouts(c.id) },
  { name: 'referral', id: 'referral-panel', label: () => t('console.panels.referral'), node: referralPanel,
    shown: (c) => referralApplies(c) || hasReferrals(c.id) },
  { name: 'images', id: 'images-panel', label: null, node: imagePanel, shown: () => true },
];

const opened = new Map(); // case id -> the names of the panels opened by hand
let box = null; // {caseId, node, more, sig}

function toggle(caseId, name) {
  const names = opened.get(caseId) || new Set();
  if (names.has(name)) names.delete(name);
  else names.add(name);
  opened.set(caseId, names);
  if (box) box.sig = null;
  scheduleRender();
  if (names.has(name)) {
    // Once drawn, the panel is scrolled into view: the dispatcher sees what they asked for.
    requestAnimationFrame(() => document.querySelector(`#case-panels [data-panel="${name}"]`)?.scrollIntoView({ block: 'nearest' }));
  }
}

function moreRow(c, hidden, byHand) {
  if (!hidden.length && !byHand.length) return [];
  return [el('span', { class: 'case-more-label' }, t('console.panels.more')),
    ...[...byHand, ...hidden].sort((a, b) => PANELS.indexOf(a) - PANELS.indexOf(b)).map((p) => {
      const open = byHand.includes(p);
      return el('button', {
        type: 'button', class: `btn btn-ghost btn-small case-more-${p.name}`,
        'aria-expanded': String(open), 'aria-controls': open ? p.id : null,
        dataset: { panel: p.name }, onclick: () => toggle(c.id, p.name),
      }, p.label());
    })];
}

/** Put the selected case's panels into its card (at the end: the card's top is its own). */
export function placePanels(c, card) {
  if (!box || box.caseId !== c.id) {
    box = {
      caseId: c.id, sig: null,
      node: el('div', { class: 'case-panels', id: 'case-panels', dataset: { case: c.id } }),
      more: el('p', { class: 'case-more', id: 'case-more' }),
    };
  }
  if (box.node.parentNode !== card || box.node.nextSibling) card.append(box.node);
  const byName = opened.get(c.id) || new Set();
  const rule = PANELS.filter((p) => p.shown(c));
  const byHand = PANELS.filter((p) => !p.shown(c) && byName.has(p.name));
  const hidden = PANELS.filter((p) => !p.shown(c) && !byName.has(p.name));
  const nodes = [];
  for (const p of PANELS) {
    if (!rule.includes(p) && !byHand.includes(p)) continue;
    const node = p.node(c);
    node.dataset.panel = p.name;
    nodes.push(node);
  }
  const sig = JSON.stringify([hidden.map((p) => p.name), byHand.map((p) => p.name), document.documentElement.lang]);
  if (sig !== box.sig) {
    box.sig = sig;
    box.more.replaceChildren(...moreRow(c, hidden, byHand));
    box.more.hidden = !box.more.childElementCount;
  }
  nodes.push(box.more);
  placeInOrder(box.node, nodes);
  // A panel that no longer applies (the case's priority changed) leaves.
  for (const child of [...box.node.children]) if (!nodes.includes(child)) child.remove();
}
