// The punch card: weekday × hour in the authors' local time, one circle per slot, its area
// proportional to the commits; each slot a focusable cell with its count as label and tooltip.
import { commits, esc, WEEKDAYS } from './svg-kit.js';

const LEFT = 34;
const TOP = 16;

/**
 * SVG markup of a 7 × 24 `[weekday][hour]` table (weekday 0 = Monday), `width` px wide (the
 * container's), so labels keep their size on a phone.
 */
export function punchCardSvg(weekdayHour, where, width = 610) {
  const STEP = Math.max(12, Math.min(28, (width - LEFT) / 24));
  const max = Math.max(0, ...weekdayHour.flat());
  const out = [];
  for (let h = 0; h < 24; h += 3) {
    out.push(
      `<text x="${LEFT + h * STEP + STEP / 2}" y="${TOP - 5}" text-anchor="middle">${h}h</text>`,
    );
  }
  weekdayHour.forEach((hours, w) => {
    const cy = TOP + w * STEP + STEP / 2;
    out.push(`<text x="0" y="${cy + 3}">${WEEKDAYS[w].slice(0, 3)}</text>`);
    out.push(
      `<line x1="${LEFT}" x2="${LEFT + 24 * STEP}" y1="${cy}" y2="${cy}" stroke="#eaeef2"/>`,
    );
    hours.forEach((n, h) => {
      const r = n ? 2 + Math.sqrt(n / Math.max(1, max)) * (STEP / 2 - 3) : 1.5;
      const hh = String(h).padStart(2, '0');
      const label = `${WEEKDAYS[w]} ${hh}:00–${hh}:59 ${where}: ${commits(n)}`;
      out.push(
        `<circle class="cell" data-x="${h}" data-y="${w}" data-k="p:${w}:${h}" data-v="${n}" cx="${LEFT + h * STEP + STEP / 2}" cy="${cy}" r="${r.toFixed(1)}" fill="${n ? '#0969da' : '#d1d9e0'}" role="img" aria-label="${esc(label)}" tabindex="${w === 0 && h === 0 ? 0 : -1}"/>`,
      );
    });
  });
  const drawn = LEFT + 24 * STEP;
  const height = TOP + 7 * STEP;
  const title = `Commits by weekday and hour ${where}; the busiest slot has ${commits(max)}`;
  return `<svg viewBox="0 0 ${drawn} ${height}" role="group" aria-label="${esc(title)}">${out.join('')}</svg>`;
}
