/* The alarm tone, made with WebAudio (no sound files). Browsers start audio only after a user
   gesture, so the first tap anywhere unlocks it; until then a banner asks for that tap. */

let ctx = null;
let banner = null;

function update() {
  const on = ctx && ctx.state === 'running';
  document.body.dataset.audio = on ? 'on' : 'locked';
  // Hidden a moment later, so the tap that unlocked audio still lands on its own target.
  if (banner) setTimeout(() => { banner.hidden = Boolean(ctx && ctx.state === 'running'); }, on ? 300 : 0);
}

export function unlockAudio() {
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!Ctx) return;
  if (!ctx) {
    ctx = new Ctx();
    ctx.addEventListener('statechange', update);
  }
  if (ctx.state === 'suspended') ctx.resume().then(update, update);
  update();
}

/** A vibration, where there is a motor and the user has touched the page since it loaded:
    before that Chrome refuses navigator.vibrate with a console error ("Blocked call to
    navigator.vibrate because user hasn't tapped on the frame"), and the sound banner asks for
    that tap anyway. Browsers without userActivation (older Safari) try, as before. */
function vibrate(pattern) {
  if (!navigator.vibrate) return false;
  if (navigator.userActivation && !navigator.userActivation.hasBeenActive) return false;
  return navigator.vibrate(pattern);
}

export function setupAudio(bannerNode) {
  banner = bannerNode;
  for (const type of ['pointerdown', 'keydown', 'touchstart']) {
    document.addEventListener(type, unlockAudio, { capture: true, passive: true });
  }
  update();
}

/** The short attention tone for an important change that is no new assignment (the destination
    changed by someone else): two soft notes and a short vibration; counts each on <body>. */
export function chime() {
  document.body.dataset.chimes = String(Number(document.body.dataset.chimes || 0) + 1);
  vibrate([200, 100, 200]);
  if (!ctx || ctx.state !== 'running') return false;
  const start = ctx.currentTime + 0.02;
  [880, 1175].forEach((frequency, i) => {
    const at = start + i * 0.22;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'sine';
    osc.frequency.setValueAtTime(frequency, at);
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.2);
    osc.connect(gain).connect(ctx.destination);
    osc.start(at);
    osc.stop(at + 0.21);
  });
  return true;
}

/** Three loud tones, plus vibration where there is a motor; counts each alarm on <body>. */
export function alarm() {
  document.body.dataset.alarms = String(Number(document.body.dataset.alarms || 0) + 1);
  vibrate([400, 150, 400, 150, 400]);
  if (!ctx || ctx.state !== 'running') {
    banner?.classList.add('is-urgent');
    return false;
  }
  banner?.classList.remove('is-urgent');
  const start = ctx.currentTime + 0.02;
  for (let i = 0; i < 3; i += 1) {
    const at = start + i * 0.36;
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'square';
    osc.frequency.setValueAtTime(i % 2 ? 1320 : 988, at);
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.35, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.3);
    osc.connect(gain).connect(ctx.destination);
    osc.start(at);
    osc.stop(at + 0.32);
  }
  return true;
}
