// Builds the front end into frontend/static/frontend/build/ (committed, so `make run` needs no
// Node): one minified ES module per page, minified style sheets, and the service worker with
// its precache list. `npm run build`; CI checks that the committed files equal a fresh build.
//
// The output depends only on the sources and the packages in package-lock.json: no time
// stamps, no absolute paths, no source maps, files and precache entries in a fixed order.

import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const FRONTEND = dirname(fileURLToPath(import.meta.url));
const STATIC = join(FRONTEND, 'static');
// LARMKEDJAN_BUILD_OUT builds elsewhere (CI compares that with the committed files).
const OUT = process.env.LARMKEDJAN_BUILD_OUT || join(STATIC, 'frontend', 'build');
const STATIC_URL = '/static/';
const BUILD_URL = `${STATIC_URL}frontend/build/`;

const common = {
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020', 'chrome90', 'safari15', 'firefox90'],
  charset: 'ascii',
  legalComments: 'eof',
  sourcemap: false,
  logLevel: 'warning',
  absWorkingDir: FRONTEND,
};

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

// 1. Pages: page.js (sign-in and other plain pages), crew.js, console.js, responder.js,
// register.js (the volunteer's sign-up), mobile.js (the mobile care unit), followup.js (the
// follow-up screen: measures, targets, stations, feedback, imports), tib.js (the official on
// duty's phone: major incidents) and caller.js (the
// caller's picture upload, /b/, which stands alone: no service worker, no shared modules).
// Each page loads one, with its screen's own modules (console-*.js, crew-*.js...) bundled in.
await build({
  ...common,
  entryPoints: ['src/js/page.js', 'src/js/crew.js', 'src/js/responder.js', 'src/js/register.js',
    'src/js/mobile.js', 'src/js/followup.js', 'src/js/tib.js'],
  outdir: OUT,
  entryNames: '[name]',
});
// The console alone is split (esbuild's code splitting): a module it imports with import() (a
// panel opened by a click: the referral statistics) is a chunk fetched when it is needed, not
// before the first paint. Built on its own, so what it imports statically stays in console.js
// (no chain of chunks to fetch before it runs). Chunks are named by their content's hash, so
// the output stays a function of the sources; the service worker precaches them (below).
await build({
  ...common,
  entryPoints: ['src/js/console.js'],
  outdir: OUT,
  entryNames: '[name]',
  splitting: true,
  chunkNames: 'chunk-[hash]',
});
// The caller's page runs on any stranger's phone, older ones too (iOS 11 and later): its
// newer syntax (optional chaining, ??) is lowered, where the staff's screens need not be.
await build({
  ...common,
  entryPoints: ['src/js/caller.js'],
  outdir: OUT,
  entryNames: '[name]',
  target: ['es2017', 'chrome61', 'safari11', 'firefox60', 'edge79'],
});

// 2. Style sheets.
await build({
  ...common,
  entryPoints: ['src/css/base.css', 'src/css/crew.css', 'src/css/console.css', 'src/css/responder.css',
    'src/css/caller.css', 'src/css/mobile.css', 'src/css/followup.css', 'src/css/tib.css'],
  outdir: OUT,
  entryNames: '[name]',
});

// 3. The service worker, with the app shell to precache: the built files, the icons, the
// sound, and Leaflet (its script, style sheet and images: the field screens' maps start
// offline too, with their markers and without tiles). Revisions are content hashes, so a
// changed file is fetched again and nothing else. The caller's page (caller.*) is not part of
// the staff's app shell: it never runs under the worker, so staff devices need not store it.
const sha = (file) => createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16);
const LEAFLET = join(STATIC, 'vendor', 'leaflet');
const shell = [
  ...readdirSync(OUT).filter((f) => /\.(js|css)$/.test(f) && !f.startsWith('caller.')).sort()
    .map((f) => ({ url: BUILD_URL + f, file: join(OUT, f) })),
  ...readdirSync(join(STATIC, 'frontend')).filter((f) => /^icon.*\.(png|svg)$/.test(f)).sort()
    .map((f) => ({ url: `${STATIC_URL}frontend/${f}`, file: join(STATIC, 'frontend', f) })),
  ...['leaflet.js', 'leaflet.css'].map((f) => ({ url: `${STATIC_URL}vendor/leaflet/${f}`, file: join(LEAFLET, f) })),
  ...readdirSync(join(LEAFLET, 'images')).filter((f) => f.endsWith('.png')).sort()
    .map((f) => ({ url: `${STATIC_URL}vendor/leaflet/images/${f}`, file: join(LEAFLET, 'images', f) })),
];
const precache = shell.map(({ url, file }) => ({ url, revision: sha(file) }));
await build({
  ...common,
  entryPoints: ['src/sw/serviceworker.js'],
  outfile: join(OUT, 'serviceworker.js'),
  format: 'iife',
  define: { __PRECACHE_MANIFEST__: JSON.stringify(precache) },
});

const files = readdirSync(OUT).sort();
for (const f of files) {
  console.log(`${f.padEnd(20)} ${String(readFileSync(join(OUT, f)).length).padStart(8)} bytes`);
}
console.log(`${precache.length} files in the precache list`);
