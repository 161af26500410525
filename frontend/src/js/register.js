/* Sign-up of a volunteer first responder: the form goes to POST /api/ivpa/register/, whose
   answer signs the new responder in; the page then opens the responder screen. */

import { api } from './common.js';
import './page.js';

const form = document.getElementById('register-form');
const error = document.getElementById('register-error');
const field = (id) => document.getElementById(id);

/** A Swedish mobile number as people write it (070-123 45 67) in international form. */
export function phoneInternational(text) {
  let digits = text.replace(/[\s()-]/g, '');
  if (digits.startsWith('00')) digits = `+${digits.slice(2)}`;
  else if (digits.startsWith('0')) digits = `+46${digits.slice(1)}`;
  return digits;
}

function showError(message, errors) {
  error.hidden = !message;
  error.textContent = message || '';
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
  for (const name of Object.keys(errors || {})) form.elements[name]?.setAttribute('aria-invalid', 'true');
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!form.reportValidity()) return;
  const submit = field('register-submit');
  submit.disabled = true;
  try {
    await api('/api/ivpa/register/', {
      method: 'POST',
      body: {
        username: field('reg-username').value.trim(),
        display_name: field('reg-name').value.trim(),
        phone_number: phoneInternational(field('reg-phone').value),
        password: field('reg-password').value,
        training: field('reg-training').value,
        training_confirmed: field('reg-confirm').checked,
      },
    });
    showError('');
    location.assign('/responder/');
  } catch (err) {
    showError(err.detail, err.body?.errors);
    submit.disabled = false;
  }
});
