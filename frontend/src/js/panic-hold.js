/* The panic button and its hold (*överfallslarm*, panic-button.js has the alarm's flow): the
   button sits fixed at the screen's right edge in the place the screen keeps free (panic.css).
   It raises only after a deliberate hold: a ring fills while the pointer, a gloved finger or
   Space/Enter is held; letting go early cancels, and a quick tap only says how it is done. */

import { el, svg, t } from './common.js';

const HINT_MS = 4000;
const RING_R = 26;
const RING_LENGTH = 2 * Math.PI * RING_R;

function buildButton(holdS) {
  const ring = svg('circle', {
    class: 'panic-ring-fill', cx: 32, cy: 32, r: RING_R,
    'stroke-dasharray': RING_LENGTH.toFixed(1), 'stroke-dashoffset': RING_LENGTH.toFixed(1),
  });
  const button = el('button', {
    type: 'button', id: 'panic-button', class: 'panic-button',
  },
  svg('svg', { class: 'panic-ring', viewBox: '0 0 64 64', 'aria-hidden': 'true', focusable: 'false' },
    svg('circle', { class: 'panic-ring-track', cx: 32, cy: 32, r: RING_R }), ring),
  // The name holds the visible word (SOS) and says what it is.
  el('span', { class: 'panic-button-text' }, 'SOS'),
  el('span', { class: 'visually-hidden' }, ` ${t('panic.button')}`));
  const hint = el('p', { id: 'panic-hint', class: 'panic-hint', role: 'status' });
  const help = el('span', { class: 'visually-hidden', id: 'panic-help' }, t('panic.button_hint', { s: holdS }));
  const slot = el('div', { class: 'panic-slot', id: 'panic-slot', hidden: true }, button, hint, help);
  button.setAttribute('aria-describedby', 'panic-help panic-hint');
  document.body.append(slot);
  return { slot, button, ring, hint };
}

/** The hold: down starts the ring, up or leaving before holdMs stops it (a tap: the hint). */
function setupHold({ button, ring, hint }, holdMs, holdS, onRaise) {
  let started = 0;
  let done = null;
  let hintTimer = null;
  const begin = () => {
    if (started) return;
    started = Date.now();
    button.classList.add('is-holding');
    ring.style.transitionDuration = `${holdMs}ms`;
    ring.setAttribute('stroke-dashoffset', '0');
    hint.textContent = t('panic.holding');
    done = setTimeout(() => {
      stop(false);
      onRaise();
    }, holdMs);
  };
  const stop = (early) => {
    if (!started) return;
    clearTimeout(done);
    started = 0;
    button.classList.remove('is-holding');
    ring.style.transitionDuration = '0ms';
    ring.setAttribute('stroke-dashoffset', RING_LENGTH.toFixed(1));
    clearTimeout(hintTimer);
    hint.textContent = early ? t('panic.hold_hint', { s: holdS }) : '';
    if (early) hintTimer = setTimeout(() => { hint.textContent = ''; }, HINT_MS);
  };
  button.addEventListener('pointerdown', (event) => {
    if (event.button > 0) return;
    button.setPointerCapture?.(event.pointerId);
    begin();
  });
  for (const type of ['pointerup', 'pointercancel', 'lostpointercapture']) {
    button.addEventListener(type, () => stop(true));
  }
  button.addEventListener('contextmenu', (event) => event.preventDefault()); // a long touch
  button.addEventListener('keydown', (event) => {
    if (event.key !== ' ' && event.key !== 'Enter') return;
    event.preventDefault();
    if (!event.repeat) begin();
  });
  button.addEventListener('keyup', (event) => {
    if (event.key === ' ' || event.key === 'Enter') stop(true);
  });
  button.addEventListener('blur', () => stop(true));
  button.addEventListener('click', (event) => event.preventDefault()); // only the hold raises
}

/** The button in its slot (appended to the body), raising by onRaise() after holdMs held:
    answers its nodes {slot, button, ring, hint}. */
export function panicButtonBuild({ holdMs, onRaise }) {
  const holdS = Math.round(holdMs / 1000);
  const nodes = buildButton(holdS);
  setupHold(nodes, holdMs, holdS, onRaise);
  return nodes;
}
