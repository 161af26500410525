/* The viewer of a caller's image on the console: zoom (buttons, wheel, pinch, keys), moving
   the zoomed image, rotation in 90° steps (kept on screen until saved), "Assessed" with a note
   (the rotation is saved with it), and forwarding to the crew of the case's active assignment.
   The images themselves are console-images.js's. */

import { ACTIVE, api, fmtTime, notify, t } from './common.js';

const ZOOM_MIN = 1;
const ZOOM_MAX = 8;
const viewer = {
  id: null, n: 0, zoom: 1, rotation: 0, x: 0, y: 0, fit: 1, pointers: new Map(), pinch: null,
};
const $ = (id) => document.getElementById(id);

function activeAssignment(c) {
  return (c?.assignments || []).find((a) => ACTIVE.has(a.status)) || null;
}

const rotations = new Map(); // id -> rotation turned on screen, not yet saved
let hooks = { image: () => null, getCase: () => null, saved: () => {}, scheduleRender: () => {} };

export const rotationOf = (image) => (rotations.has(image.id) ? rotations.get(image.id) : image.rotation || 0);
/** The rotations not yet saved, as [id, rotation] pairs (the thumbnails show them). */
export const unsavedRotations = () => [...rotations];

/** image(id): an image as known; getCase(id); saved(image): an image the server changed;
    scheduleRender(): a thumbnail turned. */
export function setupViewer(options) {
  hooks = { ...hooks, ...options };
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

export function openViewer(id, n) {
  const image = hooks.image(id);
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
  const image = hooks.image(viewer.id);
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

/** An image changed: the viewer follows if it shows it. */
export function imageChanged(id) {
  if (viewer.id === id) renderViewerMeta();
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
    hooks.saved(answer && answer.id ? answer : { id, rotation: viewer.rotation });
    notify(t('console.images.saved'), 'ok');
  } catch (err) {
    notify(err.detail, 'error');
  } finally {
    button.disabled = false;
  }
}

async function forward() {
  const id = viewer.id;
  const image = hooks.image(id);
  const c = hooks.getCase(image?.case);
  const active = activeAssignment(c);
  const button = $('viewer-forward');
  button.disabled = true;
  try {
    const answer = await api(`/api/imaging/images/${id}/forward`, { method: 'POST', body: {} });
    if (answer && answer.id === id) hooks.saved(answer);
    notify(t('console.images.forwarded_ok', { unit: active?.unit_call_sign || '' }), 'ok');
  } catch (err) {
    notify(err.detail, 'error');
  } finally {
    renderViewerMeta();
  }
}
