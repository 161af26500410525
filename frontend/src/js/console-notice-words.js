/* A risk notice in words on the console (console-notices.js, console-notice-queue.js): the
   risk with its icon and the recommended action large, how it matched ("Samma adress", "Inom
   150 m", "Samma person"), the address, the person's masked number, the validity and the
   source, and the background folded (the dispatcher's view only). Labels come with the answers
   or the page's strings: never a code. */

import { el, t } from './common.js';

const ICON = { weapon: '🔪', dangerous_animal: '🐕', violence: '✋', threat: '⚠', other: '⚠' };

/** A date (or a time's date) in the page's language. */
export function fmtDate(iso) {
  if (!iso) return '';
  const d = new Date(iso.length === 10 ? `${iso}T12:00:00` : iso);
  return Number.isNaN(d.getTime()) ? iso
    : new Intl.DateTimeFormat(document.documentElement.lang || 'sv', { dateStyle: 'medium' }).format(d);
}

/** How a notice matched, in words: "Samma adress", "Inom 150 m", "Samma person". */
function reasonWords(match) {
  return (match.reasons || []).map((r) => {
    const code = typeof r === 'string' ? r : r.code;
    if (code === 'radius') {
      return match.distance_m != null ? t('console.safety.within', { m: Math.round(match.distance_m) }) : r.label;
    }
    const mine = t(`console.safety.reason.${code}`);
    return mine === `console.safety.reason.${code}` ? (r.label || '') : mine;
  }).filter(Boolean);
}

/** The notice in words: the risk (with its icon) large, the action, how it matched, the rest. */
export function noticeBody(n, match, { background = true } = {}) {
  const reasons = match ? reasonWords(match) : [];
  return [
    el('p', { class: 'sn-risk' },
      el('span', { class: 'sn-icon', 'aria-hidden': 'true' }, ICON[n.category] || '⚠'), ' ',
      el('b', { class: 'sn-category' }, n.category_label), ' · ',
      el('span', { class: 'sn-action' }, t('console.safety.recommended', { action: n.action_label }))),
    reasons.length ? el('p', { class: 'sn-reasons' },
      reasons.map((words) => el('span', { class: 'sn-reason' }, words))) : null,
    el('p', { class: 'sn-meta' },
      [n.address, n.has_person ? t('console.safety.person', { pin: n.person_masked }) : '',
        n.expired ? t('console.safety.expired') : t('console.safety.valid_until', { date: fmtDate(n.valid_until) }),
        n.source_label ? t('console.safety.source', { source: n.source_partner_name || n.source_label }) : '',
      ].filter(Boolean).join(' · ')),
    background && n.background ? el('details', { class: 'sn-background' },
      el('summary', {}, t('console.safety.background')), el('p', {}, n.background)) : null,
  ];
}
