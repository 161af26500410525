/* The parts of the crew's assignment card beyond its status (crew-assignment.js): the case in
   words (type, scene flags, the safety warning as a band at the top, the door code under the
   address), the first responders on their way (crew-responders.js), the messages with the
   dispatch centre (crew-messages.js), "Navigera" kept in view however tall the card is, and
   the mass-casualty triage band while it holds (crew-incident.js). crew.js hands each part the
   stream's events (and the incident-mode stream's reset), the outbox's answers and the redraws. */

import { el, t } from './common.js';
import {
  messageEvent, messageSent, messagesReset, renderMessages, setupMessages,
} from './crew-messages.js';
import { crewIncidentEvent, crewIncidentLoad } from './crew-incident.js';
import { outboxLabel } from './crew-outbox.js';
import { renderResponders, respondersEvent, respondersReset } from './crew-responders.js';

const $ = (id) => document.getElementById(id);
// The flags that warn of a danger to the crew, the gravest first: in the band at the top,
// with the warning.
const DANGER = ['unsafe_scene', 'self_harm', 'infection'];

/** A code in words (case type, scene flag); never the code itself. */
function words(group, code) {
  const text = t(`crew.card.${group}.${code}`);
  return text === `crew.card.${group}.${code}` ? '' : text;
}

/** The case's type, flags, safety warning and door code on the card. */
export function renderCaseFacts(c) {
  const flags = (c.scene_flags || []).filter((f) => words('scene_flag', f));
  const danger = DANGER.filter((f) => flags.includes(f));
  const other = flags.filter((f) => !DANGER.includes(f));
  const band = $('a-safety');
  band.hidden = !c.safety_warning && !danger.length;
  band.classList.toggle('is-unsafe', danger.includes('unsafe_scene'));
  $('a-flags-warn').replaceChildren(...danger.map((f) => el('li', { class: 'a-flag', dataset: { flag: f } },
    words('scene_flag', f))));
  $('a-safety-text').textContent = c.safety_warning || '';
  $('a-door').hidden = !c.door_code;
  $('a-door-code').textContent = c.door_code || '';
  const type = c.case_type && c.case_type !== 'other' ? words('case_type', c.case_type) : '';
  $('a-type-text').textContent = type;
  $('a-flags').replaceChildren(...other.map((f) => el('span', { class: 'a-flag', dataset: { flag: f } },
    words('scene_flag', f))));
  $('a-type').hidden = !type && !other.length;
}

/** render(): draw the screen again; queue(change): put a change in the outbox. */
export function setupCardParts({ render, queue }) {
  setupMessages({ render, queue });
  outboxLabel((c) => (c.kind === 'message' ? t('crew.messages.outbox', { text: c.text })
    : c.kind === 'message_ack' ? t('crew.messages.acknowledge') : null));
  keepNavigationInView();
}

export function cardReset() {
  messagesReset();
  respondersReset();
}

/** An event on the unit's stream for the card's parts: true when one took it. */
export function cardEvent(event) {
  return messageEvent(event) || respondersEvent(event) || crewIncidentEvent(event);
}

/** A stream's reset that is the card's own (incident-mode: the triage band); true: it was. */
export function cardStreamReset(stream) {
  if (stream !== 'incident-mode') return false;
  crewIncidentLoad();
  return true;
}

/** An answer to a change of the outbox that a part sent: true when one took it. */
export function cardSent(change, answer) {
  return messageSent(change, answer);
}

export function renderCardParts(a) {
  renderResponders(a);
  renderMessages(a);
}

/* "Navigera" sticks to the top of the screen once scrolled past, and to the bottom, just above
   the step buttons (sticky too), while it is still below: the card's height never hides it.
   The step buttons scrolled up past it stick just below it. */
function keepNavigationInView() {
  const card = $('assignment');
  const actions = card.querySelector('.a-actions');
  const nav = card.querySelector('.a-nav');
  if (!actions || !nav || typeof ResizeObserver === 'undefined') return;
  const observer = new ResizeObserver(() => {
    card.style.setProperty('--a-actions-h', `${actions.offsetHeight}px`);
    card.style.setProperty('--a-nav-h', `${nav.offsetHeight}px`);
  });
  observer.observe(actions);
  observer.observe(nav);
}
