/* The crew's assignment card: priority, status, the case (reference, address, complaint,
   notes, the caller's number to call back, the patient; the case in words, the warning band
   and the door code: crew-card.js), the one large
   button for the next step (acknowledge first; "available" on scene), and the times of each
   status so far. The map and "Navigera" are crew-map.js's. */

import { el, fmtTime, priorityShort, statusLabel, t } from './common.js';
import { renderCaseFacts } from './crew-card.js';
import { table } from './tables.js';

/** The statuses an assignment goes through, in order: the crew's steps from "alerted" (the
    server's status machine, dispatch.statemachine.next_step). Each one's time is listed. */
function forwardChain() {
  const next = table('assignment')?.next_step || {};
  const chain = ['alerted'];
  while (next[chain.at(-1)] && !chain.includes(next[chain.at(-1)])) chain.push(next[chain.at(-1)]);
  // The staging point's wait (when one is ordered) falls between two of these steps.
  for (const [from, to] of Object.entries(table('assignment')?.staging_step || {})) {
    if (!chain.includes(to) && chain.includes(from)) chain.splice(chain.indexOf(from) + 1, 0, to);
  }
  return chain;
}
const TIMES = forwardChain();
const $ = (id) => document.getElementById(id);

/** The card for assignment a (with its case); cooling: the buttons wait after a tap. */
export function renderAssignment(a, { cooling }) {
  const c = a.case;
  const card = $('assignment');
  card.dataset.id = a.id;
  card.dataset.status = a.status;
  const prio = $('a-priority');
  prio.className = `prio-badge a-priority prio-${c.priority}`;
  prio.textContent = priorityShort(c.priority);
  const status = $('a-status');
  status.className = `badge a-status st-${a.status}`;
  status.textContent = statusLabel(a.status);
  $('a-ref').textContent = c.reference || '';
  $('a-alerted').textContent = `${statusLabel('alerted')} ${fmtTime(a.alerted_at, true)}`;
  $('a-address').textContent = c.address;
  renderCaseFacts(c); // type, flags, the warning band, the door code
  $('a-municipality').textContent = c.municipality || '';
  $('a-complaint').textContent = c.complaint;
  $('a-notes').hidden = !c.notes;
  $('a-notes').textContent = c.notes || '';
  const caller = $('a-caller');
  caller.textContent = c.caller_number;
  caller.href = `tel:${String(c.caller_number).replace(/[^0-9+]/g, '')}`;
  const patient = [c.patient_name, c.personal_identity_number].filter(Boolean).join(', ');
  $('a-patient-row').hidden = !patient;
  $('a-patient').textContent = patient;

  $('a-ack').hidden = a.status !== 'alerted';
  $('a-ack').disabled = cooling;
  const next = $('a-next');
  next.hidden = a.status === 'alerted' || !a.next_step;
  next.disabled = cooling;
  next.dataset.step = a.next_step || '';
  next.textContent = a.next_step ? t(`crew.step.${a.next_step}`) : '';
  $('a-alt').hidden = a.status !== 'on_scene';
  $('a-alt').disabled = cooling;
  $('a-times').replaceChildren(...TIMES.filter((s) => a[`${s}_at`]).map((s) =>
    el('li', {}, `${statusLabel(s)} `, el('b', {}, fmtTime(a[`${s}_at`], true)))));
}
