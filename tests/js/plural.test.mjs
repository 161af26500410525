// Count strings on the screens (frontend/src/js/common.js t()): a string the server sends in
// its plural forms ({one, other}: frontend.strings.common.plural) is shown in the form for the
// count in the page's language, never "Skickar 1 ändringar".

import assert from 'node:assert/strict';
import { test } from 'node:test';

let loaded = 0;
/** A fresh common.js on a page in `lang` that carries `strings`. */
async function page(lang, strings) {
  globalThis.document = {
    documentElement: { lang },
    getElementById: (id) => (id === 'i18n' ? { textContent: JSON.stringify(strings) } : null),
    addEventListener: () => {},
    querySelector: () => null,
    cookie: '',
  };
  globalThis.window = globalThis;
  globalThis.addEventListener = () => {};
  loaded += 1;
  return import(`../../frontend/src/js/common.js?page=${loaded}`);
}

const SV = { crew: { sending_n: { one: 'Skickar {n} ändring…', other: 'Skickar {n} ändringar…' } } };
const NB = { crew: { sending_n: { one: 'Sender {n} endring…', other: 'Sender {n} endringer…' } } };

test('one change in Swedish is singular, two are plural, none plural', async () => {
  const { t } = await page('sv', SV);
  assert.equal(t('crew.sending_n', { n: 1 }), 'Skickar 1 ändring…');
  assert.equal(t('crew.sending_n', { n: 2 }), 'Skickar 2 ändringar…');
  assert.equal(t('crew.sending_n', { n: 0 }), 'Skickar 0 ändringar…');
});

test('Norwegian picks its own forms the same way', async () => {
  const { t } = await page('nb', NB);
  assert.equal(t('crew.sending_n', { n: 1 }), 'Sender 1 endring…');
  assert.equal(t('crew.sending_n', { n: 5 }), 'Sender 5 endringer…');
});

test('a plain string is unchanged and an unknown key shows the key', async () => {
  const { t } = await page('en', { a: { b: 'Hello {name}' } });
  assert.equal(t('a.b', { name: 'Anna' }), 'Hello Anna');
  assert.equal(t('a.c'), 'a.c');
});
