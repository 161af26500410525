/* A list read over HTTP against what the event stream told while it was on its way: a row an
   event brought after the request started is newer than the list (whose rows may have been
   read before that event's change), and the next event brings any change after it. */

/** The rows of `list` by id, each replaced by the one in `known` an event brought (stamped
    `_seenAt`, ms) after `started`. */
export function rowsFresher(list, known, started) {
  return new Map(list.map((row) => {
    const seen = known.get(row.id);
    return [row.id, seen && seen._seenAt > started ? seen : row];
  }));
}
