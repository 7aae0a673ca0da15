// The day heatmap: one column per week (Monday on top), month labels above, weekday labels
// on the left, one focusable cell per day of the range with its count as label and tooltip.
import { DAY_MS } from '../../schemas/utc-day.ts';
import { commits, dayDate, esc, green, MONTHS, shortDay, weekday, WEEKDAYS } from './svg-kit.js';

const LEFT = 30;
const TOP = 16;

/** SVG markup of `heatmap.days` (every day of the range, in order). */
export function calendarSvg(days) {
  if (days.length === 0) return '';
  const first = dayDate(days[0].day);
  const offset = weekday(days[0].day);
  const weeks = Math.ceil((offset + days.length) / 7);
  // Big cells for short ranges, GitHub's 11 px for a year.
  const size = Math.max(11, Math.min(26, Math.floor(640 / weeks) - 2));
  const step = size + 2;
  const width = LEFT + weeks * step;
  const height = TOP + 7 * step;
  const max = Math.max(0, ...days.map((d) => d.commits));
  const out = [];
  let lastMonth = -1;
  let lastLabelX = -99;
  days.forEach((d, i) => {
    const col = Math.floor((offset + i) / 7);
    const row = (offset + i) % 7;
    const x = LEFT + col * step;
    const y = TOP + row * step;
    const date = new Date(first.getTime() + i * DAY_MS);
    const month = date.getUTCMonth();
    if (month !== lastMonth && (row === 0 || i === 0) && x - lastLabelX > 26) {
      out.push(`<text x="${x}" y="${TOP - 5}">${MONTHS[month]}</text>`);
      lastMonth = month;
      lastLabelX = x;
    }
    const label = `${WEEKDAYS[row]}, ${shortDay(d.day, true)}: ${commits(d.commits)}`;
    out.push(
      `<rect class="cell" data-x="${col}" data-y="${row}" data-k="d:${d.day}" data-v="${d.commits}" x="${x}" y="${y}" width="${size}" height="${size}" rx="2" fill="${green(d.commits, max)}" role="img" aria-label="${esc(label)}" tabindex="${i === 0 ? 0 : -1}"/>`,
    );
  });
  const labels = [0, 2, 4]
    .map((r) => `<text x="0" y="${TOP + r * step + size - 2}">${WEEKDAYS[r].slice(0, 3)}</text>`)
    .join('');
  const total = days.reduce((s, d) => s + d.commits, 0);
  const title = `Commits per UTC day from ${shortDay(days[0].day, true)} to ${shortDay(days[days.length - 1].day, true)}: ${commits(total)}, at most ${commits(max)} on a day`;
  return `<svg viewBox="0 0 ${width} ${height}" class="calendar" role="group" aria-label="${esc(title)}" data-width="${width}">${labels}${out.join('')}</svg>`;
}
