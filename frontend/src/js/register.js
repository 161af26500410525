/* Sign-up of a volunteer first responder: the form goes to POST /api/ivpa/register/, whose
   answer signs the new responder in; the page then opens the responder screen, which says
   they wait for their training's approval. After a sign-in through an identity provider
   (identity/) the page has no user name or password fields. */

import { api } from './common.js';
import './page.js';

const form = document.getElementById('register-form');
const error = document.getElementById('register-error');
const field = (id) => document.getElementById(id);

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
    const body = {
      display_name: field('reg-name').value.trim(),
      phone_number: field('reg-phone').value.trim(), // the server reads it (core.phones)
      training: field('reg-training').value,
      training_confirmed: field('reg-confirm').checked,
      municipality: field('reg-municipality').value || null,
    };
    // Someone an identity provider vouched for has no user name or password here.
    if (field('reg-username')) {
      body.username = field('reg-username').value.trim();
      body.password = field('reg-password').value;
    }
    await api('/api/ivpa/register/', { method: 'POST', body });
    showError('');
    location.assign('/responder/');
  } catch (err) {
    showError(err.detail, err.body?.errors);
    submit.disabled = false;
  }
});
