// ESLint (flat config): `npx eslint .` (part of `make lint` and CI). ESLint's recommended rules,
// with the globals of where each file runs: the pages' modules in the browser, the service
// worker in a worker (no window, no document), the build script and the unit tests in Node.
// What the build writes (frontend/static) and vendored files are not linted.

import js from '@eslint/js';
import globals from 'globals';

export default [
  {
    ignores: ['frontend/static/**', 'node_modules/**', '.venv/**', 'var/**', 'staticfiles/**'],
  },
  js.configs.recommended,
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `const { case: _caseId, ...rest } = d`: a name starting with _ is left out on purpose.
      'no-unused-vars': ['error', { varsIgnorePattern: '^_', argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['frontend/src/js/**/*.js'],
    languageOptions: { sourceType: 'module', globals: globals.browser },
  },
  {
    // Leaflet's `L`: a classic script a page with a map loads before its module; only the map
    // modules (map.js and <screen>-map.js) touch it.
    files: ['frontend/src/js/map.js', 'frontend/src/js/*-map.js'],
    languageOptions: { globals: { L: 'readonly' } },
  },
  {
    // The service worker (its bundle also holds outbox.js and store.js: no page at import).
    files: ['frontend/src/sw/**/*.js'],
    languageOptions: { sourceType: 'module', globals: globals.serviceworker },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: globals.node },
  },
];
