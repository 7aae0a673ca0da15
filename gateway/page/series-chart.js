// Commits over time per repository: stacked bars, one per bucket (day or ISO week, as the
// answer chose), the busiest repositories in their own colour and the rest as "others".
import { commits, esc, num, OTHERS_COLOUR, PALETTE, shortDay } from './svg-kit.js';

const LEFT = 38;
const TOP = 8;
const BOTTOM = 20;
const HEIGHT = 230;
const SHOWN = PALETTE.length - 1;

/** Round axis maximum and tick step for a largest value. */
function niceScale(max) {
  if (max <= 4) return { top: Math.max(1, max), step: 1 };
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  return { top: Math.ceil(max / step) * step, step };
}

/**
 * The series as stacks: `{ key, name, colour, commits[] }` for the busiest repositories
 * and one "others" stack for the rest (keyed `*`).
 */
export function stacks(series, repoNames) {
  const ranked = series.repos
    .map((r) => ({ ...r, total: r.commits.reduce((s, n) => s + n, 0) }))
    .filter((r) => r.total > 0)
    .sort((a, b) => b.total - a.total);
  const keep = ranked.length > SHOWN + 1 ? ranked.slice(0, SHOWN) : ranked;
  const rest = ranked.slice(keep.length);
  const out = keep.map((r, i) => ({
    key: r.repoId,
    name: repoNames.get(r.repoId) ?? r.repoId,
    colour: PALETTE[i],
    commits: r.commits,
  }));
  if (rest.length) {
    out.push({
      key: '*',
      name: `${rest.length} other repositories`,
      colour: OTHERS_COLOUR,
      commits: series.buckets.map((_, b) => rest.reduce((s, r) => s + (r.commits[b] ?? 0), 0)),
    });
  }
  return out;
}

/**
 * SVG markup and legend items of the series; `stackList` comes from {@link stacks}. Drawn at
 * `WIDTH` px (the container's width), so labels keep their size on a phone.
 */
export function seriesSvg(series, stackList, WIDTH = 860) {
  const n = series.buckets.length;
  const totals = series.buckets.map((_, b) =>
    stackList.reduce((s, st) => s + (st.commits[b] ?? 0), 0),
  );
  const { top, step } = niceScale(Math.max(0, ...totals));
  const plotW = WIDTH - LEFT;
  const plotH = HEIGHT - TOP - BOTTOM;
  const slot = plotW / Math.max(1, n);
  const barW = Math.max(1, slot * 0.8);
  const y = (v) => TOP + plotH - (v / top) * plotH;
  const out = [];
  for (let v = 0; v <= top; v += step) {
    out.push(
      `<line x1="${LEFT}" x2="${WIDTH}" y1="${y(v)}" y2="${y(v)}" stroke="#eaeef2"/><text x="${LEFT - 6}" y="${y(v) + 3}" text-anchor="end">${num(v)}</text>`,
    );
  }
  const week = series.granularity === 'week';
  const every = Math.max(1, Math.ceil(n / Math.max(2, Math.floor(WIDTH / 90))));
  series.buckets.forEach((bucket, b) => {
    const x = LEFT + b * slot + (slot - barW) / 2;
    if (b % every === 0) {
      out.push(
        `<text x="${(x + barW / 2).toFixed(1)}" y="${HEIGHT - 5}" text-anchor="middle">${shortDay(bucket)}</text>`,
      );
    }
    const when = week ? `week of ${shortDay(bucket, true)}` : shortDay(bucket, true);
    let base = 0;
    for (const st of stackList) {
      const v = st.commits[b] ?? 0;
      if (!v) continue;
      const y1 = y(base + v);
      const h = y(base) - y1;
      base += v;
      const label = `${st.name}, ${when}: ${commits(v)} (all: ${num(totals[b])})`;
      out.push(
        `<rect class="cell" data-x="${b}" data-y="0" data-k="s:${esc(st.key)}:${bucket}" data-v="${v}" x="${x.toFixed(1)}" y="${y1.toFixed(1)}" width="${barW.toFixed(1)}" height="${Math.max(0.5, h).toFixed(1)}" fill="${st.colour}" role="img" aria-label="${esc(label)}" tabindex="-1"/>`,
      );
    }
  });
  const first = out.findIndex((s) => s.startsWith('<rect class="cell"'));
  if (first >= 0) out[first] = out[first].replace('tabindex="-1"', 'tabindex="0"');
  const title = `Commits per ${week ? 'week' : 'day'} and repository, ${shortDay(series.buckets[0], true)} to ${shortDay(series.buckets[n - 1], true)}`;
  const svg = `<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="group" aria-label="${esc(title)}">${out.join('')}</svg>`;
  const legend = stackList
    .map(
      (st) =>
        `<li><svg viewBox="0 0 10 10" aria-hidden="true"><rect width="10" height="10" rx="2" fill="${st.colour}"/></svg>${esc(st.name)} · ${num(st.commits.reduce((s, v) => s + v, 0))}</li>`,
    )
    .join('');
  return { svg, legend };
}
