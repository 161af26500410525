// Notices over the map (frontend/src/js/common.js notify): the newest first, two open and the
// older ones folded behind one button, the same message again counted on one notice, never a
// stack of five over the map.

import assert from 'node:assert/strict';
import { test } from 'node:test';

/** Just enough of a DOM for notify(): elements with children, classes, data and events. */
class FakeElement {
  constructor(tag) {
    this.tagName = tag.toUpperCase();
    this.children = [];
    this.parentNode = null;
    this.dataset = {};
    this.attributes = {};
    this.listeners = {};
    this.hidden = false;
    this.className = '';
    this.text = '';
    const self = this;
    this.classList = {
      contains: (c) => self.className.split(' ').includes(c),
      toggle: (c) => { if (self.classList.contains(c)) self.classList.remove(c); else self.className = `${self.className} ${c}`.trim(); },
      remove: (c) => { self.className = self.className.split(' ').filter((x) => x !== c).join(' '); },
    };
  }
  get isConnected() { return this.parentNode !== null; }
  set textContent(v) { this.text = String(v); this.children = []; }
  get textContent() { return this.text + this.children.map((c) => c.textContent).join(''); }
  setAttribute(k, v) { this.attributes[k] = String(v); }
  getAttribute(k) { return this.attributes[k] ?? null; }
  addEventListener(type, fn) { this.listeners[type] = fn; }
  click() { this.listeners.click?.(); }
  append(...nodes) { for (const n of nodes) { n.remove?.(); n.parentNode = this; this.children.push(n); } }
  prepend(n) { n.remove?.(); n.parentNode = this; this.children.unshift(n); }
  remove() { if (this.parentNode) this.parentNode.children = this.parentNode.children.filter((c) => c !== this); this.parentNode = null; }
  querySelectorAll(selector) {
    const cls = /^:scope > \.([\w-]+)$/.exec(selector)[1];
    return this.children.filter((c) => c.className.split(' ').includes(cls));
  }
  querySelector(selector) { return this.querySelectorAll(selector)[0] || null; }
}
class FakeText {
  constructor(text) { this.textContent = text; this.parentNode = null; }
  remove() { if (this.parentNode) this.parentNode.children = this.parentNode.children.filter((c) => c !== this); }
}

const STRINGS = {
  close: 'Stäng',
  notices: { older: { one: '{n} äldre meddelande', other: '{n} äldre meddelanden' }, fewer: 'Visa färre meddelanden' },
};

async function page() {
  const box = new FakeElement('div');
  box.className = 'notices';
  globalThis.Node = FakeElement;
  globalThis.document = {
    documentElement: { lang: 'sv' },
    getElementById: (id) => (id === 'i18n' ? { textContent: JSON.stringify(STRINGS) } : id === 'notices' ? box : null),
    createElement: (tag) => new FakeElement(tag),
    createTextNode: (text) => new FakeText(text),
    addEventListener: () => {},
    querySelector: () => null,
    cookie: '',
  };
  globalThis.window = globalThis;
  globalThis.addEventListener = () => {};
  const { notify } = await import(`../../frontend/src/js/common.js?notices=${Math.random()}`);
  return { notify, box };
}

const notices = (box) => box.querySelectorAll(':scope > .notice');
const shown = (box) => notices(box).filter((n) => !n.hidden).map((n) => n.dataset.message);

test('five notices: the newest two open, three folded behind one button', async () => {
  const { notify, box } = await page();
  for (const n of [1, 2, 3, 4, 5]) notify(`Meddelande ${n}`, 'info', { timeout: 0 });
  assert.equal(notices(box).length, 5);
  assert.deepEqual(shown(box), ['Meddelande 5', 'Meddelande 4']);
  const more = box.querySelector(':scope > .notices-more');
  assert.equal(more.textContent, '3 äldre meddelanden');
  assert.equal(more.getAttribute('aria-expanded'), 'false');
  more.click();
  assert.equal(shown(box).length, 5);
  assert.equal(more.textContent, 'Visa färre meddelanden');
  more.click();
  assert.deepEqual(shown(box), ['Meddelande 5', 'Meddelande 4']);
});

test('the same message again is one notice with its count, moved to the top', async () => {
  const { notify, box } = await page();
  notify('Ingen kontakt med servern.', 'error', { timeout: 0 });
  notify('Ärende 1 registrerat.', 'ok', { timeout: 0 });
  notify('Ingen kontakt med servern.', 'error', { timeout: 0 });
  notify('Ingen kontakt med servern.', 'error', { timeout: 0 });
  assert.equal(notices(box).length, 2);
  const [top] = notices(box);
  assert.equal(top.dataset.message, 'Ingen kontakt med servern.');
  assert.equal(top.dataset.count, '3');
  assert.match(top.textContent, /×3/);
  assert.equal(box.querySelector(':scope > .notices-more'), null);
});

test('closing one unfolds the next and at most eight are kept', async () => {
  const { notify, box } = await page();
  for (let n = 1; n <= 10; n += 1) notify(`M${n}`, 'info', { timeout: 0 });
  assert.equal(notices(box).length, 8);
  const [newest] = notices(box);
  newest.children.find((c) => c.tagName === 'BUTTON').click();
  assert.deepEqual(shown(box), ['M9', 'M8']);
  assert.equal(box.querySelector(':scope > .notices-more').textContent, '5 äldre meddelanden');
});
