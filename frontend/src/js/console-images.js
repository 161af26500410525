/* Caller images on the console: the image link sent to the caller's phone, the images as they
   arrive (live, from the `dispatch` stream's image_link.* and image.* events; fetched when a
   case is opened and after a reset), and the viewer: zoom (buttons, wheel, pinch), rotation in
   90° steps, "Assessed" with a note (the rotation is saved with it), and forwarding to the
   crew of the case's active assignment.

   Images are read from their authorised URLs with the session cookie (an <img> of the same
   site); the service worker never stores them. */

import { ACTIVE, api, el, fmtTime, notify, place, t, twoStep } from './common.js';

const images = new Map(); // id -> image
const links = new Map(); // id -> link
const rotations = new Map(); // id -> rotation turned on screen, not yet saved
let hooks = { getCase: () => null, scheduleRender: () => {} };

export function setupImages(options) {
  hooks = { ...hooks, ...options };
  setupViewer();
  // A link expires with time, not with an event: look again now and then.
  setInterval(() => { if (links.size) hooks.scheduleRender(); }, 30000);
}

/* ---------- state ---------- */

function upsertImage(image) {
  if (!image || image.id == null) return;
  const old = images.get(image.id);
  images.set(image.id, { ...old, ...image });
  hooks.scheduleRender();
  if (viewer.id === image.id) renderViewerMeta();
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

export function placeImagePanel(c, card) {
  if (!panel || panel.caseId !== c.id) panel = buildPanel(c);
  if (panel.node.parentNode !== card) place(card, panel.node, card.querySelector(':scope > .case-actions'));
  const now = Math.floor(Date.now() / 30000); // link states expire with time
  redraw('links', [linksOf(c.id), now, document.documentElement.lang], () => linkRows(c.id));
  redraw('images', [imagesOf(c.id), [...rotations]], () => thumbs(c));
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

const rotationOf = (image) => (rotations.has(image.id) ? rotations.get(image.id) : image.rotation || 0);

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

/* ---------- the viewer ---------- */

const ZOOM_MIN = 1;
const ZOOM_MAX = 8;
const viewer = {
  id: null, n: 0, zoom: 1, rotation: 0, x: 0, y: 0, fit: 1, pointers: new Map(), pinch: null,
};
const $ = (id) => document.getElementById(id);

function activeAssignment(c) {
  return (c?.assignments || []).find((a) => ACTIVE.has(a.status)) || null;
}

function setupViewer() {
  const dialog = $('image-viewer');
  if (!dialog) return;
  const stage = $('viewer-stage');
  const img = $('viewer-img');
  $('viewer-close').addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    viewer.id = null;
    img.removeAttribute('src');
  });
  img.addEventListener('load', () => layout());
  addEventListener('resize', () => { if (viewer.id != null) layout(); });
  $('viewer-zoom-in').addEventListener('click', () => zoomBy(1.5));
  $('viewer-zoom-out').addEventListener('click', () => zoomBy(1 / 1.5));
  $('viewer-fit').addEventListener('click', () => { viewer.zoom = 1; viewer.x = 0; viewer.y = 0; apply(); });
  $('viewer-rotate-left').addEventListener('click', () => rotate(-90));
  $('viewer-rotate-right').addEventListener('click', () => rotate(90));
  $('viewer-assess').addEventListener('click', assess);
  $('viewer-forward').addEventListener('click', forward);
  stage.addEventListener('wheel', (e) => {
    e.preventDefault();
    const factor = Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.002));
    zoomBy(factor, pointIn(stage, e));
  }, { passive: false });
  stage.addEventListener('pointerdown', (e) => {
    stage.setPointerCapture(e.pointerId);
    viewer.pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (viewer.pointers.size === 2) viewer.pinch = pinchState(stage);
  });
  stage.addEventListener('pointermove', (e) => {
    const last = viewer.pointers.get(e.pointerId);
    if (!last) return;
    viewer.pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (viewer.pointers.size >= 2 && viewer.pinch) {
      const now = pinchState(stage);
      if (viewer.pinch.distance > 0) zoomBy(now.distance / viewer.pinch.distance, now.centre);
      viewer.x += now.centre.x - viewer.pinch.centre.x;
      viewer.y += now.centre.y - viewer.pinch.centre.y;
      viewer.pinch = now;
      apply();
    } else if (viewer.pointers.size === 1) {
      viewer.x += e.clientX - last.x;
      viewer.y += e.clientY - last.y;
      apply();
    }
  });
  const up = (e) => {
    viewer.pointers.delete(e.pointerId);
    viewer.pinch = viewer.pointers.size === 2 ? pinchState(stage) : null;
  };
  stage.addEventListener('pointerup', up);
  stage.addEventListener('pointercancel', up);
  stage.addEventListener('keydown', (e) => {
    const step = 40;
    const moves = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    if (e.key === '+' || e.key === '=') zoomBy(1.25);
    else if (e.key === '-') zoomBy(0.8);
    else if (moves[e.key]) {
      viewer.x += moves[e.key][0];
      viewer.y += moves[e.key][1];
      apply();
    } else return;
    e.preventDefault();
  });
}

/** A point of an event relative to the stage's centre. */
function pointIn(stage, e) {
  const box = stage.getBoundingClientRect();
  return { x: e.clientX - box.left - box.width / 2, y: e.clientY - box.top - box.height / 2 };
}

function pinchState(stage) {
  const [a, b] = [...viewer.pointers.values()];
  const box = stage.getBoundingClientRect();
  return {
    distance: Math.hypot(a.x - b.x, a.y - b.y),
    centre: { x: (a.x + b.x) / 2 - box.left - box.width / 2, y: (a.y + b.y) / 2 - box.top - box.height / 2 },
  };
}

/** Zoom by a factor, keeping the image point under `at` (relative to the centre) in place. */
function zoomBy(factor, at = { x: 0, y: 0 }) {
  const zoom = Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, viewer.zoom * factor));
  const k = zoom / viewer.zoom;
  viewer.x = at.x - (at.x - viewer.x) * k;
  viewer.y = at.y - (at.y - viewer.y) * k;
  viewer.zoom = zoom;
  if (zoom === 1) { viewer.x = 0; viewer.y = 0; }
  apply();
}

function rotate(by) {
  viewer.rotation = (((viewer.rotation + by) % 360) + 360) % 360;
  rotations.set(viewer.id, viewer.rotation);
  viewer.x = 0;
  viewer.y = 0;
  layout();
  hooks.scheduleRender();
  renderViewerMeta();
}

/** The scale at which the (rotated) image fits the stage. */
function layout() {
  const img = $('viewer-img');
  const stage = $('viewer-stage');
  const w = img.naturalWidth;
  const h = img.naturalHeight;
  if (!w || !h) return;
  const turned = viewer.rotation % 180 !== 0;
  const box = stage.getBoundingClientRect();
  viewer.fit = Math.min(box.width / (turned ? h : w), box.height / (turned ? w : h));
  img.style.width = `${w}px`;
  img.style.height = `${h}px`;
  img.style.marginLeft = `${-w / 2}px`;
  img.style.marginTop = `${-h / 2}px`;
  apply();
}

function apply() {
  const img = $('viewer-img');
  const scale = viewer.fit * viewer.zoom;
  img.style.transform = `translate(${viewer.x}px, ${viewer.y}px) scale(${scale}) rotate(${viewer.rotation}deg)`;
  $('viewer-zoom').textContent = t('console.images.zoom', { n: Math.round(viewer.zoom * 100) });
  $('image-viewer').dataset.zoom = String(Math.round(viewer.zoom * 100));
  $('image-viewer').dataset.rotation = String(viewer.rotation);
}

function openViewer(id, n) {
  const image = images.get(id);
  const dialog = $('image-viewer');
  if (!image || !dialog) return;
  const c = hooks.getCase(image.case);
  Object.assign(viewer, { id, n, zoom: 1, x: 0, y: 0, rotation: rotationOf(image), pointers: new Map(), pinch: null });
  $('viewer-title').textContent = t('console.images.viewer', { n, ref: c?.reference || image.case });
  const img = $('viewer-img');
  img.alt = t('console.images.image_n', { n, time: fmtTime(image.received_at) });
  img.src = image.display_url;
  $('viewer-note').value = image.note || '';
  $('viewer-stage').tabIndex = 0;
  dialog.dataset.image = String(id);
  renderViewerMeta();
  if (!dialog.open) dialog.showModal();
  if (img.complete) layout();
}

function renderViewerMeta() {
  const image = images.get(viewer.id);
  if (!image) return;
  const c = hooks.getCase(image.case);
  $('viewer-received').textContent = t('console.images.image_n', { n: viewer.n, time: fmtTime(image.received_at) });
  $('viewer-state').textContent = image.assessed_at ? t('console.images.assessed') : '';
  $('viewer-assessed').textContent = image.assessed_at ? t('console.images.assessed_at', { time: fmtTime(image.assessed_at) }) : '';
  const active = activeAssignment(c);
  const forwardedHere = active && image.forwarded_to === active.id;
  const button = $('viewer-forward');
  button.disabled = !active || Boolean(forwardedHere);
  const why = $('viewer-forward-why');
  if (image.forwarded_at) {
    const to = (c?.assignments || []).find((a) => a.id === image.forwarded_to);
    why.textContent = t('console.images.forwarded_to', { unit: to?.unit_call_sign || '', time: fmtTime(image.forwarded_at) });
  } else {
    why.textContent = active ? '' : t('console.images.forward_none');
  }
}

/** The case changed (an assignment came or went): the forward button follows. */
export function refreshViewer() {
  if (viewer.id != null) renderViewerMeta();
}

async function assess() {
  const id = viewer.id;
  const button = $('viewer-assess');
  button.disabled = true;
  try {
    const answer = await api(`/api/imaging/images/${id}/assess`, {
      method: 'POST', body: { note: $('viewer-note').value.trim(), rotation: viewer.rotation },
    });
    rotations.delete(id);
    upsertImage(answer && answer.id ? answer : { id, rotation: viewer.rotation });
    notify(t('console.images.saved'), 'ok');
  } catch (err) {
    notify(err.detail, 'error');
  } finally {
    button.disabled = false;
  }
}

async function forward() {
  const id = viewer.id;
  const image = images.get(id);
  const c = hooks.getCase(image?.case);
  const active = activeAssignment(c);
  const button = $('viewer-forward');
  button.disabled = true;
  try {
    const answer = await api(`/api/imaging/images/${id}/forward`, { method: 'POST', body: {} });
    if (answer && answer.id === id) upsertImage(answer);
    notify(t('console.images.forwarded_ok', { unit: active?.unit_call_sign || '' }), 'ok');
  } catch (err) {
    notify(err.detail, 'error');
  } finally {
    renderViewerMeta();
  }
}
