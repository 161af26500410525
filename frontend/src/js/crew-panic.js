/* The panic alarm on the crew tablet: the shared button and flow (panic-button.js) on the
   crew's outbox, with the unit's call sign for the SMS and the current assignment kept with
   the alarm; its changes are labelled in the outbox list (crew-outbox.js). crew.js hands over
   the outbox's answers and the unit stream's `panic.*` events. */

import { outboxLabel } from './crew-outbox.js';
import {
  panicEvent, panicLabel, panicLoad, panicRefused, panicSent, setupPanic,
} from './panic-button.js';

export { panicEvent, panicRefused, panicSent };

/** field: the screen's FieldScreen; assignment(): the current assignment's id or null. */
export function setupCrewPanic({ field, assignment }) {
  outboxLabel(panicLabel);
  setupPanic({
    outbox: field.outbox,
    joined: () => Boolean(field.me?.unit),
    unitLabel: () => field.me?.unit_call_sign || '',
    assignment,
  });
}

/** Joined, left or reloaded: the unit's open alarm. */
export const crewPanicMe = () => panicLoad();
