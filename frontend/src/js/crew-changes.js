/* What the crew is told when the dispatch centre changed its case (dispatch/services/
   case_edit.py): the event `assignment.case_changed` names the changes (ids and field names,
   never their values); the tablet fetches the card (a recorded read), which lists the case's
   changes in words (`case_changes`), refreshes it, and says what changed in one notice that
   stays a minute, with the short tone: "Prioritet ändrad till 1A: <orsak> · Ny portkod: 1234". */

import { notify, t } from './common.js';
import { chime } from './sound.js';

// The order the notice tells changes in: what changes the crew's driving first.
const ORDER = ['priority', 'safety_warning', 'address', 'municipality', 'position', 'door_code',
  'case_type', 'scene_flags', 'complaint', 'notes', 'caller_number', 'patient_name',
  'personal_identity_number'];
const told = new Set(); // change ids already told: an event seen again tells nothing twice

/** One change in words, or null for one the crew need not be told about. */
function describe(change) {
  const value = change.new_label || '';
  switch (change.field) {
    case 'priority':
      return change.reason
        ? t('crew.changes.priority', { priority: value, reason: change.reason })
        : t('crew.changes.priority_plain', { priority: value });
    case 'door_code':
      return value ? t('crew.changes.door_code', { code: value }) : t('crew.changes.door_code_removed');
    case 'safety_warning':
      return value ? t('crew.changes.warning', { text: value }) : t('crew.changes.warning_removed');
    case 'address':
    case 'municipality':
      return value ? t('crew.changes.address', { address: value }) : null;
    case 'position':
      return t('crew.changes.position');
    case 'case_type':
      return t('crew.changes.case_type', { type: value });
    case 'scene_flags':
      return value ? t('crew.changes.scene_flags', { flags: value }) : t('crew.changes.scene_flags_none');
    case 'notes':
      return value ? t('crew.changes.notes', { text: value }) : null;
    case 'complaint':
      return t('crew.changes.complaint', { text: value });
    case 'caller_number':
      return t('crew.changes.caller');
    case 'patient_name':
    case 'personal_identity_number':
      return t('crew.changes.patient');
    default:
      return null;
  }
}

/** The lines to tell for the changes `ids` of assignment `a` (as fetched), not told before. */
export function caseChangeLines(a, ids) {
  const wanted = new Set(ids || []);
  const changes = (a?.case_changes || [])
    .filter((c) => wanted.has(c.id) && !told.has(c.id))
    .sort((x, y) => ORDER.indexOf(x.field) - ORDER.indexOf(y.field));
  const lines = [];
  for (const change of changes) {
    told.add(change.id);
    const line = describe(change);
    if (line && !lines.includes(line)) lines.push(line);
  }
  return lines;
}

/** Tell the crew what the centre changed on assignment `a` (the card is already redrawn). */
export function announceCaseChange(a, ids) {
  const lines = caseChangeLines(a, ids);
  if (!lines.length) return;
  const notice = notify(`${t('crew.changes.title')}: ${lines.join(' · ')}`, 'warn', { timeout: 60000 });
  notice?.classList.add('notice-case-change');
  chime();
}
