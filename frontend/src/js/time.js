/* Times as the screens show them: a clock time (always 24-hour: the centre and the crews read
   times the same way in every language), how long ago, and both together. Pure: the language,
   the translations and the clock are given, so that node's test runner runs it without a page.
   common.js makes the page's set (its language, its strings, the server's clock). */

/** The clock: fmtTime(iso, seconds) gives "14:05" (or "14:05:09"), and nothing for no time or
    one that cannot be read. The same in every language, so made from the local time's parts:
    an Intl.DateTimeFormat, the first one a page makes, cost the crew screen's first drawing a
    long task (the locale's date patterns, some 50 ms on a phone) for these few digits. */
export function clockFormat() {
  const two = (n) => String(n).padStart(2, '0');
  return function fmtTime(iso, seconds = false) {
    if (!iso) return '';
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) return '';
    const clock = `${two(d.getHours())}:${two(d.getMinutes())}`;
    return seconds ? `${clock}:${two(d.getSeconds())}` : clock;
  };
}

/**
 * How long ago, and both together.
 *   t(key, params): the translated strings (time.seconds, time.minutes, time.hours,
 *   time.since); now(): the current time (the server's clock); fmtTime: a clockFormat.
 * Apart from the clock, so a page that shows no elapsed time carries no code asking for
 * these strings (tests/frontend/test_pages.py checks what each page's script asks for).
 */
export function elapsedFormats({ t, now = () => new Date(), fmtTime }) {
  /** How long ago: seconds under a minute, minutes under an hour, then hours and minutes. */
  function fmtElapsed(iso) {
    const ms = now() - new Date(iso);
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) return t('time.seconds', { n: s });
    const m = Math.floor(s / 60);
    if (m < 60) return t('time.minutes', { n: m });
    return t('time.hours', { h: Math.floor(m / 60), m: m % 60 });
  }

  const since = (iso) => t('time.since', { time: fmtTime(iso), elapsed: fmtElapsed(iso) });

  return { fmtElapsed, since };
}
