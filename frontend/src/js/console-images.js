/* Caller images on the console: the image link sent to the caller's phone, the images as they
   arrive (live, from the `dispatch` stream's image_link.* and image.* events; fetched when a
   case is opened and after a reset), and the viewer (console-image-viewer.js): zoom (buttons,
   wheel, pinch), rotation in 90° steps, "Assessed" with a note (the rotation is saved with it),
   and forwarding to the crew of the case's active assignment.

   Images are read from their authorised URLs with the session cookie (an <img> of the same
   site); the service worker never stores them. */

import { api, el, fmtTime, notify, t, twoStep } from './common.js';
import {
  imageChanged, openViewer, rotationOf, setupViewer, unsavedRotations,
} from './console-image-viewer.js';
// console.js calls it after each redraw: the viewer's forward button follows the case.
export { refreshViewer } from './console-image-viewer.js';

const images = new Map(); // id -> image
const links = new Map(); // id -> link
let hooks = { getCase: () => null, scheduleRender: () => {} };

export function setupImages(options) {
  hooks = { ...hooks, ...options };
  setupViewer({
    image: (id) => images.get(id), getCase: (id) => hooks.getCase(id), saved: upsertImage,
    scheduleRender: () => hooks.scheduleRender(),
  });
  // A link expires with time, not with an event: look again now and then.
  setInterval(() => { if (links.size) hooks.scheduleRender(); }, 30000);
}

/* ---------- state ---------- */

function upsertImage(image) {
  if (!image || image.id == null) return;
  const old = images.get(image.id);
  images.set(image.id, { ...old, ...image });
  hooks.scheduleRender();
  imageChanged(image.id);
}

function upsertLink(link) {
  if (!link || link.id == null) return;
  links.set(link.id, { ...links.get(link.id), ...link });
  hooks.scheduleRender();
}

const imagesOf = (caseId) => [...images.values()].filter((i) => i.case === caseId)
  .sort((a, b) => String(a.received_at).localeCompare(String(b.received_at)) || a.id - b.id);
const linksOf = (caseId) => [...links.values()].filter((l) => l.case === caseId)
  .sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)) || b.id - a.id);

/** The short line on a case card once the caller has sent images. */
export function imagesBadge(caseId) {
  const n = imagesOf(caseId).filter((i) => i.state !== 'rejected').length;
  return n ? t('console.images.badge', { n }) : '';
}

/** Handle an event of the dispatch stream; false when it is not about images. */
export function imagingEvent(event) {
  const d = event.data || {};
  if (event.type === 'image_link.created' || event.type === 'image_link.updated') {
    upsertLink(d);
    return true;
  }
  if (event.type.startsWith('image.')) {
    const known = images.has(d.id);
    upsertImage(d);
    if (event.type === 'image.received' && !known) {
      const c = hooks.getCase(d.case);
      if (c) notify(t('console.images.new', { ref: c.reference || c.id }), 'info');
    }
    return true;
  }
  return false;
}

const loading = new Set();
/** The links and images of one case, over HTTP (on opening the case and after a reset). */
export async function loadImaging(caseId) {
  if (caseId == null || loading.has(caseId)) return;
  loading.add(caseId);
  try {
    const [caseLinks, caseImages] = await Promise.all([
      api(`/api/imaging/cases/${caseId}/links/`), api(`/api/imaging/cases/${caseId}/images/`),
    ]);
    for (const l of caseLinks) upsertLink(l);
    for (const i of caseImages) upsertImage(i);
  } catch (err) {
    if (err.status !== 404 && err.status !== 403) notify(err.detail, 'error');
  } finally {
    loading.delete(caseId);
  }
}

/* ---------- the panel in the selected case ---------- */

let panel = null;

/** The panel of the selected case c, brought up to date; console-panels.js places it. */
export function imagePanel(c) {
  if (!panel || panel.caseId !== c.id) panel = buildPanel(c);
  const now = Math.floor(Date.now() / 30000); // link states expire with time
  redraw('links', [linksOf(c.id), now, document.documentElement.lang], () => linkRows(c.id));
  redraw('images', [imagesOf(c.id), unsavedRotations()], () => thumbs(c));
  return panel.node;
}

function redraw(part, data, build) {
  const sig = JSON.stringify(data);
  if (panel.sigs[part] === sig) return;
  panel.sigs[part] = sig;
  panel[part].replaceChildren(...build().filter(Boolean));
}

function buildPanel(c) {
  const titleId = `images-title-${c.id}`;
  const phoneId = `image-phone-${c.id}`;
  const phone = el('input', {
    id: phoneId, class: 'image-phone', type: 'tel', maxlength: '20', autocomplete: 'off',
    value: c.caller_number || '', inputmode: 'tel',
  });
  const send = el('button', { type: 'submit', class: 'btn btn-primary btn-small image-send' }, t('console.images.send'));
  const form = el('form', { class: 'image-form', novalidate: true },
    el('label', { class: 'field grow', for: phoneId }, el('span', {}, t('console.images.phone')), phone),
    send);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    send.disabled = true;
    try {
      const link = await api(`/api/imaging/cases/${c.id}/links/`, { method: 'POST', body: { phone: phone.value.trim() } });
      upsertLink(link);
      notify(t('console.images.sent', { phone: link.phone || link.phone_masked || phone.value }), 'ok');
    } catch (err) {
      notify(err.detail, 'error');
    } finally {
      send.disabled = false;
    }
  });
  const p = {
    caseId: c.id, sigs: {},
    links: el('ul', { class: 'image-links' }),
    images: el('div', { class: 'image-thumbs' }),
  };
  p.node = el('section', { class: 'images', id: 'images-panel', 'aria-labelledby': titleId, dataset: { case: c.id } },
    el('h3', { id: titleId }, t('console.images.title')), form, p.links, p.images);
  return p;
}

export function linkState(link, now = Date.now()) {
  if (link.revoked_at) return 'revoked';
  if (link.max_images && link.images_received >= link.max_images) return 'used';
  if (link.expires_at && Date.parse(link.expires_at) <= now) return 'expired';
  if (link.opened_at) return 'opened';
  if (['queued', 'sent', 'delivered', 'failed'].includes(link.sms_state)) return link.sms_state;
  return 'sent';
}

function linkRows(caseId) {
  return linksOf(caseId).map((link) => {
    const state = linkState(link);
    const open = !['revoked', 'used', 'expired'].includes(state);
    return el('li', { class: `image-link is-${state}`, dataset: { link: link.id, state } },
      el('span', { class: 'image-link-phone' }, t('console.images.link', { phone: link.phone || link.phone_masked || '' })),
      el('span', { class: `badge image-st-${state}` }, t(`console.images.state.${state}`)),
      el('span', { class: 'image-link-count' }, t('console.images.count', { n: link.images_received, max: link.max_images })),
      open && link.expires_at ? el('span', { class: 'image-link-until' }, t('console.images.until', { time: fmtTime(link.expires_at) })) : null,
      open ? revokeButton(link) : null);
  });
}

/** Withdraw a link (sent to the wrong number, or no longer wanted): two taps. */
function revokeButton(link) {
  const button = el('button', { type: 'button', class: 'btn btn-ghost btn-small image-revoke' }, t('console.images.revoke'));
  twoStep(button, t('console.images.revoke_confirm'), async () => {
    try {
      upsertLink(await api(`/api/imaging/links/${link.id}/revoke/`, { method: 'POST' }));
    } catch (err) {
      notify(err.detail, 'error');
    }
  });
  return button;
}

function thumbs(c) {
  const list = imagesOf(c.id);
  if (!list.length) return linksOf(c.id).length ? [el('p', { class: 'image-none' }, t('console.images.none'))] : [];
  return list.map((image, index) => {
    const n = index + 1;
    const label = t('console.images.image_n', { n, time: fmtTime(image.received_at) });
    const data = { image: image.id, state: image.state };
    if (image.deleted_at) {
      return el('div', { class: 'image-thumb is-deleted', dataset: data, title: label }, t('console.images.deleted'));
    }
    if (image.state === 'rejected') {
      return el('div', { class: 'image-thumb is-rejected', dataset: data, title: label },
        t('console.images.rejected', { reason: image.reject_reason || '' }));
    }
    if (image.state !== 'ready' || !image.thumbnail_url) {
      return el('div', { class: 'image-thumb is-received', dataset: data, title: label }, t('console.images.received'));
    }
    const img = el('img', {
      src: image.thumbnail_url, alt: label, loading: 'lazy', decoding: 'async',
      width: image.thumb_width || null, height: image.thumb_height || null,
    });
    img.style.transform = `rotate(${rotationOf(image)}deg)`;
    const button = el('button', { type: 'button', class: 'image-thumb is-ready', dataset: data, 'aria-label': label },
      img,
      image.assessed_at || image.forwarded_at ? el('span', { class: 'image-marks' },
        image.assessed_at ? el('span', { class: 'image-mark is-assessed' }, t('console.images.assessed')) : null,
        image.forwarded_at ? el('span', { class: 'image-mark is-forwarded' }, t('console.images.forwarded')) : null) : null);
    button.addEventListener('click', () => openViewer(image.id, n));
    return button;
  });
}
