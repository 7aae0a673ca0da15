// Small helpers the page's panels share: escaping, number and date formats, colour scales,
// and the delegated behaviour of chart cells (tooltip, arrow keys). Panels build their DOM
// as one string each, so a year of data is one parse, not thousands of createElement calls.
import { dayStart } from '../../schemas/utc-day.ts';

/** Escapes text for HTML and SVG markup (element content and quoted attributes). */
export function esc(value) {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

const nf = new Intl.NumberFormat('en-US');
/** 1234 → "1,234". */
export const num = (n) => nf.format(n);

/** "n commit(s)". */
export const commits = (n) => `${num(n)} commit${n === 1 ? '' : 's'}`;

export const WEEKDAYS = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
];
export const MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];

/** `YYYY-MM-DD` (UTC) → its Date at midnight UTC. */
export const dayDate = dayStart;
/** Monday = 0 … Sunday = 6 of a UTC day. */
export const weekday = (day) => (dayDate(day).getUTCDay() + 6) % 7;
/** "Nov 19" (or "Nov 19, 2025" with the year). */
export function shortDay(day, withYear = false) {
  const d = dayDate(day);
  const s = `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
  return withYear ? `${s}, ${d.getUTCFullYear()}` : s;
}

const GREENS = ['#ebedf0', '#9be9a8', '#40c463', '#30a14e', '#216e39'];
/** GitHub's five greens: 0 is grey, the rest split the range up to `max` in four. */
export function green(n, max) {
  if (!n) return GREENS[0];
  return GREENS[1 + Math.min(3, Math.floor((n / Math.max(1, max)) * 4 - 1e-9))];
}

/** Colour-blind-safe categorical palette (Okabe–Ito, then greys for "others"). */
export const PALETTE = [
  '#0072b2',
  '#e69f00',
  '#009e73',
  '#cc79a7',
  '#56b4e9',
  '#d55e00',
  '#f0e442',
  '#000000',
];
export const OTHERS_COLOUR = '#8c959f';

/** A 0..1 horizontal bar as a tiny SVG (no inline style attribute: CSP). */
export function bar(share, colour = '#0969da') {
  const w = Math.max(0, Math.min(100, share * 100)).toFixed(1);
  return `<svg viewBox="0 0 100 6" preserveAspectRatio="none" aria-hidden="true"><rect width="100" height="6" rx="3" fill="#eaeef2"/><rect width="${w}" height="6" rx="3" fill="${colour}"/></svg>`;
}

/**
 * One listener set per chart container, for every cell (`.cell` with `aria-label`, `data-x`,
 * `data-y`): the tooltip on hover and focus, and arrow keys moving focus between cells (one
 * tab stop per chart: the cell with tabindex 0).
 */
export function delegateCells(container, tip) {
  const show = (el) => {
    const label = el?.getAttribute?.('aria-label');
    if (!label || !el.classList.contains('cell')) return;
    tip.textContent = label;
    tip.hidden = false;
    const r = el.getBoundingClientRect();
    const w = tip.offsetWidth;
    tip.style.left = `${Math.max(4, Math.min(innerWidth - w - 4, r.left + r.width / 2 - w / 2))}px`;
    tip.style.top = `${r.top > 40 ? r.top - tip.offsetHeight - 6 : r.bottom + 6}px`;
  };
  const hide = () => (tip.hidden = true);
  container.addEventListener('mouseover', (e) => show(e.target));
  container.addEventListener('mouseout', hide);
  container.addEventListener('focusin', (e) => show(e.target));
  container.addEventListener('focusout', hide);
  container.addEventListener('keydown', (e) => {
    const from = e.target;
    if (!from.classList?.contains('cell')) return;
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    const m = moves[e.key];
    if (!m) return;
    e.preventDefault();
    let x = Number(from.dataset.x);
    let y = Number(from.dataset.y);
    // Skip holes (days outside the range): walk on until a cell or the edge.
    for (let i = 0; i < 64; i++) {
      x += m[0];
      y += m[1];
      const next = container.querySelector(`.cell[data-x="${x}"][data-y="${y}"]`);
      if (next) {
        from.setAttribute('tabindex', '-1');
        next.setAttribute('tabindex', '0');
        next.focus();
        return;
      }
    }
  });
}
