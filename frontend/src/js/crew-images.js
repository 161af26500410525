/* Images from the caller on the crew's tablet, forwarded by the dispatch centre
   (image.forwarded on the unit's stream, or fetched for the assignment): thumbnails on the
   assignment card and a viewer, full size and turned as the dispatcher turned it. Only in
   memory: an image is patient data, and the service worker never stores it either. */

import { api, el, notify, t } from './common.js';

const $ = (id) => document.getElementById(id);
const images = { byId: new Map(), loaded: new Set(), sig: '' };
let hooks = { render: () => {} };

/** render(): the screen is drawn again (an image came). */
export function setupImages(options) {
  hooks = { ...hooks, ...options };
}

/** A stream reset: each assignment's images are asked for again. */
export function imagesReset() {
  images.loaded.clear();
}

/** image.forwarded: taken in; true when it is new here. */
export function imageForwarded(image) {
  const fresh = !images.byId.has(image.id);
  upsertImage(image);
  return fresh;
}

function upsertImage(image) {
  if (!image || image.id == null) return;
  images.byId.set(image.id, { ...images.byId.get(image.id), ...image });
  hooks.render();
}

async function loadImages(assignmentId) {
  if (images.loaded.has(assignmentId)) return;
  images.loaded.add(assignmentId);
  try {
    const list = await api(`/api/imaging/assignments/${assignmentId}/images/`);
    for (const image of list) upsertImage({ assignment: assignmentId, ...image });
  } catch (err) {
    // No network or a server error: asked again at the next render (or event). A refusal
    // (no longer this unit's assignment) is not asked again.
    if (err.status === 0 || err.status >= 500) images.loaded.delete(assignmentId);
    else if (err.status !== 403 && err.status !== 404) notify(err.detail, 'error');
  }
}

function imagesOf(assignmentId) {
  return [...images.byId.values()]
    .filter((i) => i.assignment === assignmentId && i.state === 'ready' && i.display_url && !i.deleted_at)
    .sort((x, y) => String(x.received_at).localeCompare(String(y.received_at)) || x.id - y.id);
}

/** The thumbnails of assignment a (fetched the first time). */
export function renderImages(a) {
  if (!images.loaded.has(a.id) && navigator.onLine !== false) loadImages(a.id);
  const list = imagesOf(a.id);
  const sig = JSON.stringify([a.id, list, document.documentElement.lang]);
  if (sig === images.sig) return;
  images.sig = sig;
  $('a-images').hidden = !list.length;
  $('a-images-list').replaceChildren(...list.map((image, index) => {
    const n = index + 1;
    const img = el('img', {
      src: image.thumbnail_url, alt: t('crew.image_alt', { n }), decoding: 'async',
      width: image.thumb_width || null, height: image.thumb_height || null,
    });
    img.style.transform = `rotate(${image.rotation || 0}deg)`;
    return el('button', {
      type: 'button', class: 'a-image', dataset: { image: image.id }, 'aria-label': t('crew.image_open', { n }),
      onclick: () => openImage(image, n),
    }, img);
  }));
}

function openImage(image, n) {
  const dialog = $('crew-viewer');
  const img = $('crew-viewer-img');
  $('crew-viewer-title').textContent = t('crew.image_alt', { n });
  img.alt = t('crew.image_alt', { n });
  img.dataset.rotation = String(image.rotation || 0);
  img.style.transform = '';
  img.src = image.display_url;
  $('crew-viewer-note').hidden = !image.note;
  $('crew-viewer-note').textContent = image.note ? t('crew.image_note', { note: image.note }) : '';
  dialog.dataset.image = String(image.id);
  if (!dialog.open) dialog.showModal();
  if (img.complete) fitImage();
}

/** Full size, turned as the dispatcher turned it, as large as the screen allows. */
function fitImage() {
  const img = $('crew-viewer-img');
  const box = img.parentElement.getBoundingClientRect();
  const w = img.naturalWidth;
  const h = img.naturalHeight;
  if (!w || !h || !box.width) return;
  const rotation = Number(img.dataset.rotation || 0);
  const turned = rotation % 180 !== 0;
  const scale = Math.min(box.width / (turned ? h : w), box.height / (turned ? w : h));
  img.style.width = `${w}px`;
  img.style.height = `${h}px`;
  img.style.marginLeft = `${-w / 2}px`;
  img.style.marginTop = `${-h / 2}px`;
  img.style.transform = `scale(${scale}) rotate(${rotation}deg)`;
}

$('crew-viewer-img').addEventListener('load', fitImage);
$('crew-viewer-close').addEventListener('click', () => $('crew-viewer').close());
$('crew-viewer').addEventListener('close', () => $('crew-viewer-img').removeAttribute('src'));
addEventListener('resize', () => { if ($('crew-viewer').open) fitImage(); });
