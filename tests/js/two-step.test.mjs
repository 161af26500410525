// A button that asks for a second tap (frontend/src/js/common.js twoStep): the second tap acts,
// the confirmation runs out, and a list drawn again between the two taps keeps the armed state
// for the same key (the console redraws its cards on every event).

import assert from 'node:assert/strict';
import { test } from 'node:test';

/** Just enough of a button: text, classes, data and click listeners. */
class FakeButton {
  constructor(text) {
    this.textContent = text;
    this.dataset = {};
    this.listeners = [];
    const classes = new Set();
    this.classList = {
      toggle: (name, on) => (on ? classes.add(name) : classes.delete(name)),
      contains: (name) => classes.has(name),
    };
  }

  addEventListener(type, fn) { if (type === 'click') this.listeners.push(fn); }

  async click() { for (const fn of this.listeners) await fn(); }
}

// common.js reads the page at import: an empty one will do.
globalThis.document = {
  documentElement: { lang: 'sv' },
  getElementById: () => null,
  addEventListener: () => {},
  querySelector: () => null,
  cookie: '',
};
globalThis.window = globalThis;
globalThis.addEventListener ??= () => {};
const { twoStep } = await import(`../../frontend/src/js/common.js?two-step=${Math.random()}`);

test('the first tap arms, the second acts', async () => {
  let acted = 0;
  const button = new FakeButton('Avbryt');
  twoStep(button, 'Tryck igen', () => { acted += 1; });
  await button.click();
  assert.equal(button.textContent, 'Tryck igen');
  assert.equal(acted, 0);
  await button.click();
  assert.equal(acted, 1);
  assert.equal(button.textContent, 'Avbryt');
});

test('the confirmation runs out', async () => {
  let acted = 0;
  const button = new FakeButton('Avbryt');
  twoStep(button, 'Tryck igen', () => { acted += 1; }, { ms: 20 });
  await button.click();
  await new Promise((resolve) => { setTimeout(resolve, 60); });
  assert.equal(button.textContent, 'Avbryt');
  await button.click();
  assert.equal(acted, 0);
});

test('a button drawn again with the same key between the taps is still armed', async () => {
  const acted = [];
  const first = new FakeButton('Avbryt');
  twoStep(first, 'Tryck igen', () => acted.push('first'), { key: 'cancel:7' });
  await first.click();
  const redrawn = new FakeButton('Avbryt');
  twoStep(redrawn, 'Tryck igen', () => acted.push('redrawn'), { key: 'cancel:7' });
  assert.equal(redrawn.textContent, 'Tryck igen');
  assert.ok(redrawn.classList.contains('is-armed'));
  await redrawn.click();
  assert.deepEqual(acted, ['redrawn']);
  const after = new FakeButton('Avbryt');
  twoStep(after, 'Tryck igen', () => acted.push('after'), { key: 'cancel:7' });
  assert.equal(after.textContent, 'Avbryt', 'acted on: the next drawing starts unarmed');
});

test('another key is not armed by this one', async () => {
  const first = new FakeButton('Avbryt');
  twoStep(first, 'Tryck igen', () => {}, { key: 'cancel:8' });
  await first.click();
  const other = new FakeButton('Avbryt');
  twoStep(other, 'Tryck igen', () => {}, { key: 'cancel:9' });
  assert.equal(other.textContent, 'Avbryt');
});
