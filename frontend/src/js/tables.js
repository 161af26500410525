/* The domain tables the server hands a page (frontend/tables.py, embedded as the JSON script
   "tables"): a screen reads its rules (statuses, priorities, the NEWS2 chart) from there and
   keeps no copy of them. */

let tables;

/** One table by name; undefined when the page was not given it. */
export function table(name) {
  if (tables === undefined) {
    tables = typeof document === 'undefined' ? {}
      : JSON.parse(document.getElementById('tables')?.textContent || '{}');
  }
  return tables[name];
}
