/* The mobile care unit's profile on its screen: available or not (the big switch), the area
   (municipalities), opening hours, skills and capacity it offers, and its load (open referrals
   of its capacity). PATCH /api/referrals/units/<id>/profile/; a change made elsewhere comes as
   care_unit.updated and does not overwrite a form being typed in. */

import { api, el, notify, t } from './common.js';

const $ = (id) => document.getElementById(id);
let profile = null;
let hooks = { unit: () => null, skills: () => null };

/** unit(): the unit joined (its id); skills(): the skills a unit may offer (from the server). */
export function setupProfile(options) {
  hooks = { ...hooks, ...options };
}

const asList = (v) => (Array.isArray(v) ? v : String(v || '').split(',').map((x) => x.trim()).filter(Boolean));

export async function loadProfile() {
  if (!hooks.unit()) return;
  try {
    profile = await api(`/api/referrals/units/${hooks.unit()}/profile/`);
    fillProfile();
  } catch (err) {
    if (err.status !== 0) notify(err.detail, 'error');
  }
  renderProfileState();
  $('profile').removeAttribute('aria-busy'); // mobile.css: the form shows now, filled in
}

function skillChoices() {
  const known = JSON.parse(document.getElementById('i18n')?.textContent || '{}').referral?.skill || {};
  const offered = hooks.skills();
  const values = offered?.length ? [...offered] : Object.keys(known);
  for (const s of asList(profile?.skills)) if (!values.includes(s)) values.push(s);
  return values.map((value) => ({ value, label: skillLabel(value) }));
}

function skillLabel(code) {
  const label = t(`referral.skill.${code}`);
  return label === `referral.skill.${code}` ? code.replace(/_/g, ' ') : label;
}

function fillProfile() {
  const p = profile || {};
  $('p-area').value = asList(p.municipalities).join(', ');
  $('p-hours').value = p.opening_hours ?? '';
  $('p-capacity').value = p.capacity ?? '';
  const mine = new Set(asList(p.skills));
  const box = $('p-skills');
  const legend = box.querySelector('legend');
  box.replaceChildren(legend, ...skillChoices().map(({ value, label }) =>
    el('label', { class: 'check' },
      el('input', { type: 'checkbox', name: 'skills', value, checked: mine.has(value) }), ' ', label)));
}

function renderProfileState() {
  const p = profile;
  const on = Boolean(p?.available);
  const button = $('p-available');
  // Not before the unit's state is known: a tap on the placeholder "off" would switch it off.
  button.disabled = !p;
  button.setAttribute('aria-pressed', String(on));
  button.classList.toggle('is-on', on);
  $('p-available-text').textContent = p ? (on ? t('mobile.available_on') : t('mobile.available_off')) : '';
  const badge = $('unit-available');
  badge.hidden = !p;
  badge.className = `badge ${on ? 'st-available' : 'st-out_of_service'}`;
  badge.textContent = on ? t('mobile.badge_on') : t('mobile.badge_off');
  const load = p?.open_referrals;
  $('p-load').textContent = p && load != null && p.capacity != null
    ? t('mobile.load', { load, capacity: p.capacity }) : '';
}

async function patchProfile(body) {
  const box = $('profile-error');
  box.hidden = true;
  try {
    profile = { ...profile, ...await api(`/api/referrals/units/${hooks.unit()}/profile/`, { method: 'PATCH', body }) };
    renderProfileState();
    return true;
  } catch (err) {
    box.hidden = false;
    box.textContent = err.detail;
    return false;
  }
}

$('p-available').addEventListener('click', async () => {
  if (!profile) return;
  const next = !profile.available;
  if (await patchProfile({ available: next })) notify(next ? t('mobile.available_on') : t('mobile.available_off'), 'ok');
});

$('profile').addEventListener('submit', async (e) => {
  e.preventDefault();
  const capacity = $('p-capacity').value.trim();
  const body = {
    municipalities: asList($('p-area').value),
    opening_hours: $('p-hours').value.trim(),
    skills: [...document.querySelectorAll('#p-skills input[name="skills"]:checked')].map((n) => n.value),
  };
  if (capacity !== '') body.capacity = Number(capacity);
  $('p-save').disabled = true;
  try {
    if (await patchProfile(body)) {
      fillProfile();
      notify(t('mobile.saved'), 'ok');
    }
  } finally {
    $('p-save').disabled = false;
  }
});

/** The unit's open referrals as its screen knows them live (sent or accepted, from the
    referral events): the load shown follows them without a reload. */
export function openReferralsCounted(n) {
  if (!profile || profile.open_referrals === n) return;
  profile = { ...profile, open_referrals: n };
  renderProfileState();
}

/** The unit was left: no profile. */
export function clearProfile() {
  profile = null;
}

/** care_unit.updated for this unit: taken in, without refilling a form being typed in. */
export function profileUpdated(data) {
  const typing = $('profile').contains(document.activeElement);
  profile = { ...profile, ...data };
  if (!typing) fillProfile();
  renderProfileState();
}
