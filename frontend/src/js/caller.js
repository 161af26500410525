/* The caller's upload page (/b/): a stranger's phone, any browser, maybe a weak network.

   A photo from the camera or the gallery is shrunk here first (canvas: long side at most
   1600 px, JPEG quality 0.8, turned upright from its EXIF orientation), so a 12-megapixel
   photo goes up as a few hundred kB, without the phone's location data. It is sent with
   XMLHttpRequest for the progress bar, with an upload_id made here: a retry after a lost
   answer sends the same id, so the centre never gets the picture twice. "Received" is shown
   only when the server answered 201 (the original is stored); the page then asks what became
   of it (ready: the centre can see it; rejected: take a new one). No service worker, no
   storage, nothing from other sites: this page stands alone (no shared modules, a few kB;
   the shrinking is its own caller-shrink.js).

   The landing page (/b/<token>) loads it too, only so that a double tap on "Continue" sends
   the form once: a second POST could find the link already used before the first answer's
   cookie has arrived, and show the "no longer valid" page to someone who just opened it. */

import { shrink } from './caller-shrink.js';

const $ = (id) => document.getElementById(id);
const STRINGS = JSON.parse($('c-i18n')?.textContent || '{}');
const INIT = JSON.parse($('c-state')?.textContent || '{}');
const LANG = document.documentElement.lang || 'sv';
const UPLOAD_URL = '/api/imaging/upload/';
const BACKOFF_S = [1, 2, 4, 8, 15, 30];
const MAX_AUTO_RETRIES = 8;
const TIMEOUT_MS = 120000;

function t(key, params = {}) {
  return (STRINGS[key] || key).replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

function uuid() {
  if (window.crypto?.randomUUID) return crypto.randomUUID();
  const b = new Uint8Array(16);
  if (window.crypto?.getRandomValues) crypto.getRandomValues(b);
  else for (let i = 0; i < 16; i += 1) b[i] = Math.floor(Math.random() * 256);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const number = (n, digits = 0) => n.toLocaleString(LANG, { maximumFractionDigits: digits });
const size = (bytes) => (bytes < 1024 * 1024 ? t('kb', { n: number(Math.max(1, Math.round(bytes / 1024))) })
  : t('mb', { n: number(bytes / 1024 / 1024, 1) }));

/* ---------- the screen ---------- */

const job = { blob: null, id: null, url: null, attempts: 0, xhr: null, timer: null, waiting: false };
let remaining = null;

function show(stage) {
  $('pick').hidden = stage !== 'pick';
  $('preview').hidden = !['preview', 'sending', 'failed'].includes(stage);
  $('received').hidden = stage !== 'received';
  $('end').hidden = stage !== 'end';
  $('lead').hidden = stage === 'end';
  $('send').hidden = stage !== 'preview';
  $('retry').hidden = stage !== 'failed';
  $('another-pick').hidden = stage === 'sending';
  $('progress-box').hidden = stage !== 'sending';
  document.body.dataset.stage = stage;
}

function status(text, kind = '') {
  const node = $('status');
  node.textContent = text;
  node.className = `c-status${kind ? ` is-${kind}` : ''}`;
}

function progress(fraction) {
  const percent = Math.min(100, Math.round(fraction * 100));
  $('progress').value = percent;
  status(t('sending', { percent }));
}

function showRemaining() {
  const node = $('remaining');
  node.hidden = remaining == null;
  if (remaining != null) node.textContent = t('remaining', { n: remaining });
}

function reset() {
  clearTimeout(job.timer);
  job.xhr?.abort();
  if (job.url) URL.revokeObjectURL(job.url);
  Object.assign(job, { blob: null, id: null, url: null, attempts: 0, xhr: null, timer: null, waiting: false });
  $('preview-img').removeAttribute('src');
  $('preview-size').textContent = '';
  status('');
}

async function picked(input) {
  const file = input.files && input.files[0];
  input.value = ''; // the same photo again is a new choice
  if (!file) return;
  $('pick-error').hidden = true;
  reset();
  show('preview');
  $('send').disabled = true;
  status(t('shrinking'));
  const blob = await shrink(file);
  job.blob = blob;
  job.id = uuid();
  job.url = URL.createObjectURL(blob);
  $('preview-img').src = job.url;
  $('preview-size').textContent = t('ready', { size: size(blob.size) });
  $('send').disabled = false;
  status('');
  $('send').focus();
}

/* ---------- sending ---------- */

function send() {
  if (!job.blob || job.xhr) return;
  clearTimeout(job.timer);
  job.waiting = false;
  job.attempts += 1;
  show('sending');
  progress(0);
  const form = new FormData();
  form.append('upload_id', job.id);
  form.append('image', job.blob, job.blob.type === 'image/jpeg' ? 'photo.jpg' : (job.blob.name || 'photo'));
  const xhr = new XMLHttpRequest();
  job.xhr = xhr;
  xhr.open('POST', UPLOAD_URL);
  xhr.setRequestHeader('Accept', 'application/json');
  xhr.setRequestHeader('X-CSRFToken', INIT.csrf || '');
  xhr.timeout = TIMEOUT_MS;
  xhr.upload.onprogress = (e) => { if (e.lengthComputable && e.total) progress(e.loaded / e.total); };
  xhr.onload = () => {
    if (job.xhr !== xhr) return;
    job.xhr = null;
    let data = null;
    try { data = JSON.parse(xhr.responseText); } catch { data = null; }
    answered(xhr.status, data, xhr.getResponseHeader('Retry-After'));
  };
  xhr.onerror = xhr.ontimeout = () => {
    if (job.xhr !== xhr) return;
    job.xhr = null;
    later(t('failed'));
  };
  xhr.send(form);
}

/** No answer, or the server could not take it now: again by itself with growing pauses,
    the same upload_id each time, then a button. */
function later(giveUpText, seconds) {
  if (job.attempts >= MAX_AUTO_RETRIES && seconds == null) {
    show('failed');
    status(giveUpText, 'error');
    return;
  }
  show('failed');
  $('retry').hidden = false;
  job.waiting = true;
  if (navigator.onLine === false) {
    status(t('offline'), 'warn');
    return; // sent on 'online'
  }
  let left = seconds ?? BACKOFF_S[Math.min(job.attempts - 1, BACKOFF_S.length - 1)];
  const tick = () => {
    if (left <= 0) {
      send();
      return;
    }
    status(t('waiting', { s: left }), 'warn');
    left -= 1;
    job.timer = setTimeout(tick, 1000);
  };
  tick();
}

function answered(code, data, retryAfter) {
  if (code === 201 || (code === 200 && data && data.id)) {
    remaining = typeof data?.remaining === 'number' ? data.remaining : remaining;
    received(job.id);
    return;
  }
  if (code === 410 || code === 401 || code === 403) {
    location.reload(); // the link is over (or the cookie is gone): the calm page says so
    return;
  }
  if (code === 413) {
    failedFor(t('too_large'));
  } else if (code === 415 || code === 400 || code === 422) {
    failedFor(t('unreadable'));
  } else if (code === 429) {
    const wait = Number.parseInt(retryAfter || '', 10);
    if (wait > 0 && wait <= 120) later(t('too_many'), wait);
    else {
      show('failed');
      status(t('too_many'), 'error');
    }
  } else {
    later(t('failed')); // 5xx, 408, a proxy's page: try again
  }
}

/** The server refused this picture: choose another (a new upload_id then). */
function failedFor(text) {
  reset();
  show('pick');
  $('pick-error').textContent = text;
  $('pick-error').hidden = false;
}

function received(id) {
  reset();
  showRemaining();
  watch.shown = id || null;
  $('notice').textContent = '';
  $('end-state').textContent = '';
  delete $('received').dataset.outcome;
  $('received-title').textContent = RECEIVED_LABELS.title;
  $('received-title').classList.add('c-ok');
  $('send-another').textContent = RECEIVED_LABELS.another;
  watchUpload(id);
  if (remaining === 0) {
    show('end');
    $('end-title').focus();
    return;
  }
  show('received');
  $('received-text').textContent = t('received');
  $('received-title').focus();
}

/* ---------- what became of a sent picture ----------

   The 201 means the original is stored; the centre then decodes it in the background, and a
   file that is no usable picture after all ends "rejected". The page asks GET UPLOAD_URL (the
   session's own uploads and their states) every 2 s at first, then less often: about 90 s of
   visible time in all, never while the page is hidden (at once when it is shown again). The
   server's reason is for the dispatcher: the caller gets one plain sentence. */

const POLL_S = [2, 2, 2, 2, 2, 3, 3, 3, 5, 5, 5, 8, 8, 10, 10, 10, 10];
const watch = { pending: new Set(), shown: null, step: 0, timer: null, busy: false };
const RECEIVED_LABELS = { title: '', another: '' };

function watchUpload(id) {
  if (!id) return;
  watch.pending.add(id);
  watch.step = 0;
  schedulePoll();
}

function schedulePoll(now = false) {
  clearTimeout(watch.timer);
  watch.timer = null;
  if (!watch.pending.size || document.hidden || watch.busy) return;
  if (now) {
    watch.timer = setTimeout(poll, 0);
    return;
  }
  if (watch.step >= POLL_S.length) {
    watch.pending.clear(); // no answer in time: "received" stays, which is true
    return;
  }
  watch.timer = setTimeout(poll, POLL_S[watch.step] * 1000);
  watch.step += 1;
}

async function poll() {
  watch.timer = null;
  if (watch.busy || !watch.pending.size) return;
  watch.busy = true;
  let data = null;
  try {
    const r = await fetch(UPLOAD_URL, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } });
    if (r.status === 410 || r.status === 401 || r.status === 403) watch.pending.clear(); // the link is over
    else if (r.ok) data = await r.json();
  } catch { data = null; } // no network now: next time
  watch.busy = false;
  for (const item of (data && Array.isArray(data.received) ? data.received : [])) {
    if (watch.pending.has(item.upload_id) && (item.state === 'ready' || item.state === 'rejected')) {
      watch.pending.delete(item.upload_id);
      settled(item.upload_id, item.state);
    }
  }
  schedulePoll();
}

/** A sent picture is ready or rejected: said where the caller is now (live regions). */
function settled(id, state) {
  const stage = document.body.dataset.stage;
  const rejected = state === 'rejected';
  if (id === watch.shown && stage === 'received') {
    if (!rejected) {
      $('received-text').textContent = t('arrived');
      return;
    }
    $('received').dataset.outcome = 'rejected';
    $('received-title').classList.remove('c-ok');
    $('received-title').textContent = t('rejected_title');
    $('received-text').textContent = t('rejected');
    $('send-another').textContent = t('take_new');
  } else if (id === watch.shown && stage === 'end') {
    $('end-state').textContent = t(rejected ? 'rejected_last' : 'arrived');
  } else if (rejected) {
    $('notice').textContent = t(remaining === 0 ? 'rejected_earlier' : 'rejected_earlier_new');
  }
}

async function loadState() {
  try {
    const r = await fetch(UPLOAD_URL, { credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } });
    if (r.status === 410 || r.status === 401 || r.status === 403) {
      location.reload();
      return;
    }
    if (!r.ok) return;
    const data = await r.json();
    if (typeof data.remaining === 'number') {
      remaining = data.remaining;
      showRemaining();
      if (remaining === 0 && document.body.dataset.stage === 'pick') show('end');
    }
    earlier(Array.isArray(data.received) ? data.received : []);
  } catch { /* no network now: sending says so */ }
}

/** The page was opened again (a reload, back from the camera app): what this session sent
    before is said once, and pictures still being checked are watched as new ones are. */
function earlier(items) {
  if (!items.length || watch.shown) return;
  const usable = items.filter((i) => i.state !== 'rejected').length;
  const last = items[items.length - 1];
  const lines = [];
  if (usable) lines.push(t('sent_before', { n: number(usable) }));
  if (last.state === 'rejected') lines.push(t(remaining === 0 ? 'rejected_earlier' : 'rejected_earlier_new'));
  $('notice').textContent = lines.join(' ');
  if (remaining === 0) $('end-state').textContent = lines.join(' ');
  for (const item of items) {
    if (item.state !== 'ready' && item.state !== 'rejected') watch.pending.add(item.upload_id);
  }
  watch.step = 0;
  schedulePoll();
}

function startUpload() {
  // A photo this browser cannot show (HEIC on some phones) goes up all the same: no broken icon.
  $('preview-img').addEventListener('error', () => $('preview-img').removeAttribute('src'));
  $('camera').addEventListener('change', (e) => picked(e.target));
  $('choose').addEventListener('change', (e) => picked(e.target));
  $('send').addEventListener('click', send);
  $('retry').addEventListener('click', () => {
    job.attempts = 0;
    send();
  });
  $('another-pick').addEventListener('click', () => {
    reset();
    show('pick');
  });
  $('send-another').addEventListener('click', () => {
    $('pick-error').hidden = true;
    show('pick');
  });
  addEventListener('online', () => { if (job.waiting) send(); });
  document.addEventListener('visibilitychange', () => { if (!document.hidden) schedulePoll(true); });
  RECEIVED_LABELS.title = $('received-title').textContent;
  RECEIVED_LABELS.another = $('send-another').textContent;
  for (const id of ['received-title', 'end-title']) $(id).tabIndex = -1;
  show('pick');
  loadState();
}

function startLanding(form) {
  form.addEventListener('submit', (event) => {
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = '1';
    form.querySelector('button')?.setAttribute('aria-busy', 'true');
  });
  // Back from the upload page (bfcache): the form may be sent again (it then goes on to /b/).
  addEventListener('pageshow', () => { delete form.dataset.sent; });
}

if ($('pick')) startUpload();
else if (document.querySelector('form.c-form')) startLanding(document.querySelector('form.c-form'));
