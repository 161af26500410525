/* The domain tables the server hands a page (frontend/tables.py, embedded as the JSON script
   "tables"): a screen reads its rules (statuses, priorities, the NEWS2 chart) from there and
   keeps no copy of them.

   A page the service worker kept from an earlier build may meet a newer script (the network
   was too slow after an update, so the worker served its copy): that page may lack a table
   the script reads. The tables this device was last given are therefore kept (they are rules,
   no patient data) and used for what the page lacks; a table known nowhere makes the page
   load itself again, once a minute at most, so a crew never works from an empty rule. */

const KEPT = 'larmkedjan.tables';
const RELOADED = 'larmkedjan.tables.reloaded';
const RELOAD_EVERY_MS = 60000;

let tables;

function storage(kind) {
  try { return globalThis[kind] || null; } catch { return null; }
}

function load() {
  if (typeof document === 'undefined') return {};
  let kept = {};
  try { kept = JSON.parse(storage('localStorage')?.getItem(KEPT) || '{}'); } catch { kept = {}; }
  const node = document.getElementById('tables');
  if (!node) return kept;
  const given = JSON.parse(node.textContent || '{}');
  try {
    storage('localStorage')?.setItem(KEPT, JSON.stringify({ ...kept, ...given }));
  } catch { /* private mode or full: the page's own tables still serve */ }
  return { ...kept, ...given };
}

/** The page is older than its script and this device has no copy: load it again. */
function reloadStale() {
  const session = storage('sessionStorage');
  const last = Number(session?.getItem(RELOADED) || 0);
  if (Date.now() - last < RELOAD_EVERY_MS || globalThis.navigator?.onLine === false) return;
  try { session?.setItem(RELOADED, String(Date.now())); } catch { /* reload anyway */ }
  globalThis.location?.reload();
}

/** One table by name; undefined (and the page loads again) when it is known nowhere. */
export function table(name) {
  if (tables === undefined) tables = load();
  const found = tables[name];
  if (found === undefined && typeof document !== 'undefined') reloadStale();
  return found;
}
