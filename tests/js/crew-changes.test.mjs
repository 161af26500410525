// What the crew tablet says when the centre changed its case (frontend/src/js/crew-changes.js):
// the changes named by the event, in words from the card, the priority first with its reason,
// each change told once.

import assert from 'node:assert/strict';
import { test } from 'node:test';

const STRINGS = {
  crew: {
    changes: {
      title: 'Larmcentralen ändrade ärendet',
      priority: 'Prioritet ändrad till {priority}: {reason}',
      priority_plain: 'Prioritet ändrad till {priority}',
      door_code: 'Ny portkod: {code}',
      door_code_removed: 'Portkoden borttagen',
      warning: 'Varning: {text}',
      warning_removed: 'Varningen borttagen',
      address: 'Ny adress: {address}',
      position: 'Ny position på kartan',
      case_type: 'Ärendetyp: {type}',
      scene_flags: 'På platsen: {flags}',
      scene_flags_none: 'Inga särskilda förhållanden på platsen',
      notes: 'Nya anteckningar: {text}',
      complaint: 'Besvär: {text}',
      caller: 'Nytt nummer att ringa tillbaka till',
      patient: 'Patientuppgifterna ändrade',
    },
  },
};

globalThis.document = {
  documentElement: { lang: 'sv' },
  getElementById: (id) => (id === 'i18n' ? { textContent: JSON.stringify(STRINGS) } : null),
  addEventListener: () => {},
  querySelector: () => null,
  cookie: '',
};
globalThis.window = globalThis;
globalThis.addEventListener = () => {};
const { caseChangeLines } = await import('../../frontend/src/js/crew-changes.js');

const change = (id, field, newLabel, reason = '') => ({ id, field, new: newLabel, new_label: newLabel, reason });

test('the priority comes first, with its reason, then the door code', () => {
  const card = { case_changes: [change(1, 'door_code', '4711'), change(2, 'priority', '1A', 'Slutat andas')] };
  assert.deepEqual(caseChangeLines(card, [1, 2]), ['Prioritet ändrad till 1A: Slutat andas', 'Ny portkod: 4711']);
});

test('a change is told once, and only those the event names', () => {
  const card = { case_changes: [change(3, 'safety_warning', 'Hund'), change(4, 'notes', 'Tredje våningen')] };
  assert.deepEqual(caseChangeLines(card, [3]), ['Varning: Hund']);
  assert.deepEqual(caseChangeLines(card, [3, 4]), ['Nya anteckningar: Tredje våningen']);
  assert.deepEqual(caseChangeLines(card, [3, 4]), []);
});

test('a removed value and fields the crew is not told about', () => {
  const card = { case_changes: [change(5, 'door_code', ''), change(6, 'safety_warning', ''),
    change(7, 'required_capabilities', 'CBRNE'), change(8, 'scene_flags', '')] };
  assert.deepEqual(caseChangeLines(card, [5, 6, 7, 8]), [
    'Varningen borttagen', 'Portkoden borttagen', 'Inga särskilda förhållanden på platsen']);
});

test('the patient and the position are told without their values; a priority without a reason', () => {
  const card = { case_changes: [change(9, 'patient_name', 'Tolvan'), change(10, 'personal_identity_number', '19121212-1212'),
    change(11, 'position', '59.62000, 16.55000'), change(12, 'priority', '1B')] };
  assert.deepEqual(caseChangeLines(card, [9, 10, 11, 12]), [
    'Prioritet ändrad till 1B', 'Ny position på kartan', 'Patientuppgifterna ändrade']);
});

test('a card without changes (an older server) tells nothing', () => {
  assert.deepEqual(caseChangeLines({}, [1]), []);
  assert.deepEqual(caseChangeLines(null, [1]), []);
});
