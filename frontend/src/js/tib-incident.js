/* The incident on TiB's screen: its head (what, where, raised when and by whom), the first
   report and the cases' addresses, and by its state what TiB can do:
   - raised: "Bekräfta särskild händelse" (two taps: the alarm goes to every region of the
     healthcare region, never on a slip) and "Inte särskild händelse" (with the reason, asked
     for before anything is sent);
   - confirmed: the regions (tib-regions.js), triage, the METHANE report and the stand-down
     (tib-actions.js);
   - rejected or stood down: who decided, when, and why.
   The incident's log closes the card. */

import { el, t, twoStep } from './common.js';
import {
  renderReport, renderStandDown, renderTriage,
} from './tib-actions.js';
import {
  at, byAt, fact, field, forget, keep, sending,
} from './tib-parts.js';
import { renderRegions } from './tib-regions.js';

function head(d) {
  return el('header', { class: 'tib-head' },
    el('div', { class: 'tib-badges' },
      el('span', { id: 'tib-state', class: `tib-state state-${d.state}`, dataset: { state: d.state } }, d.state_text),
      d.exercise ? el('span', { class: 'tib-exercise' }, t('tib.exercise')) : null,
      d.triage?.active ? el('span', { class: 'tib-triage-badge' }, t('tib.triage_on')) : null),
    el('h2', { id: 'tib-title', class: 'tib-title' }, d.title),
    el('dl', { class: 'tib-facts' },
      fact(t('tib.region'), d.region?.name),
      fact(t('tib.location'), d.location),
      fact(t('tib.raised'), byAt(d.raised_at, d.raised_by)),
      fact(t('tib.confirmed'), byAt(d.confirmed_at, d.confirmed_by))));
}

function cases(d) {
  if (!d.cases?.length) return null;
  return el('section', { class: 'tib-cases', 'aria-labelledby': 'tib-cases-title' },
    el('h3', { id: 'tib-cases-title' }, t('tib.cases', { n: d.cases.length })),
    el('ul', { id: 'tib-cases' }, d.cases.map((c) => el('li', { class: 'tib-case', dataset: { case: String(c.id) } },
      el('span', { class: 'tib-case-address' }, c.address || t('tib.no_address')),
      el('span', { class: 'tib-case-meta' }, [c.reference, c.priority, c.complaint].filter(Boolean).join(' · '))))));
}

/** "Bekräfta" and "Inte särskild händelse", for a raised incident TiB may decide on. */
function decision(d, { post }) {
  const confirm = el('button', { type: 'button', id: 'tib-confirm', class: 'btn btn-danger btn-block btn-decide' },
    t('tib.confirm'));
  twoStep(confirm, t('tib.confirm_again'), async () => {
    await sending(confirm, () => post(`/api/incidents/${d.id}/confirm/`));
  }, { key: `tib-confirm:${d.id}`, ms: 6000 });

  const formKey = `reject:${d.id}`;
  const form = keep(formKey, () => {
    const reason = el('textarea', { id: 'tib-reject-reason', name: 'reason', rows: '3', maxlength: '500', required: true });
    const send = el('button', { type: 'submit', id: 'tib-reject-send', class: 'btn btn-primary btn-block' }, t('tib.reject_send'));
    const node = el('form', { id: 'tib-reject-form', class: 'tib-form', novalidate: true, hidden: true },
      field(t('tib.reject_reason'), reason), send);
    node.addEventListener('submit', async (event) => {
      event.preventDefault();
      const text = reason.value.trim();
      if (!text) {
        reason.setAttribute('aria-invalid', 'true');
        reason.focus();
        node.querySelector('.tib-error')?.remove();
        node.prepend(el('p', { class: 'tib-error', role: 'alert' }, t('tib.reject_reason_needed')));
        return;
      }
      if (await sending(send, () => post(`/api/incidents/${d.id}/reject/`, { reason: text }))) forget(formKey);
    });
    return node;
  });
  const reject = el('button', {
    type: 'button', id: 'tib-reject', class: 'btn btn-ghost btn-block btn-decide',
    'aria-expanded': String(!form.hidden), 'aria-controls': 'tib-reject-form',
  }, t('tib.reject'));
  reject.addEventListener('click', () => {
    form.hidden = !form.hidden;
    reject.setAttribute('aria-expanded', String(!form.hidden));
    if (!form.hidden) form.querySelector('textarea').focus();
  });
  return el('section', { id: 'tib-decide', class: 'tib-decide', 'aria-label': t('tib.decide') },
    el('p', { class: 'tib-lead' }, t('tib.decide_lead')), confirm, reject, form);
}

function outcome(d) {
  if (d.state === 'rejected') {
    return el('section', { id: 'tib-outcome', class: 'tib-outcome' },
      el('p', {}, t('tib.rejected_by', { when: byAt(d.rejected_at, d.rejected_by) })),
      d.reject_reason ? el('p', { class: 'tib-reason' }, d.reject_reason) : null);
  }
  if (d.state === 'stood_down') {
    return el('section', { id: 'tib-outcome', class: 'tib-outcome' },
      el('p', {}, t('tib.stood_down_by', { when: byAt(d.stood_down_at, d.stood_down_by) })),
      d.stand_down_note ? el('p', { class: 'tib-reason' }, d.stand_down_note) : null);
  }
  return null;
}

function log(d) {
  if (!d.log?.length) return null;
  return el('details', { class: 'tib-log' },
    el('summary', {}, t('tib.log', { n: d.log.length })),
    el('ol', { id: 'tib-log' }, d.log.map((entry) => el('li', {},
      el('span', { class: 'tib-log-at' }, at(entry.at)),
      el('span', {}, [entry.text, entry.region, entry.by].filter(Boolean).join(' · '))))));
}

/** Draw the incident `d` into box; ctx: {setup (the page's), post(path, body)}. */
export function renderIncident(box, d, ctx) {
  const raised = d.state === 'raised';
  const confirmed = d.state === 'confirmed';
  box.dataset.state = d.state;
  box.dataset.incident = String(d.id);
  box.replaceChildren(...[
    head(d),
    outcome(d),
    raised && d.may_decide ? decision(d, ctx) : null,
    raised && !d.may_decide ? el('p', { class: 'tib-lead' }, t('tib.waiting_tib')) : null,
    confirmed ? renderRegions(d, ctx) : null,
    confirmed ? renderTriage(d, ctx) : null,
    cases(d),
    renderReport(d, ctx),
    confirmed && d.may_decide ? renderStandDown(d, ctx) : null,
    log(d),
  ].filter(Boolean));
}
