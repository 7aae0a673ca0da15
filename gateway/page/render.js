// Draws a whole dashboard answer into the page: one markup string per panel, then flashes
// the elements whose number changed since the previous answer of the same view.
import { calendarSvg } from './calendar-chart.js';
import { punchCardSvg } from './punch-card.js';
import { seriesSvg, stacks } from './series-chart.js';
import { commits, num, shortDay } from './svg-kit.js';
import { activityHelp, developerRows, moduleItems, repoRows } from './tables.js';

const $ = (id) => document.getElementById(id);

/** `data-k` → `data-v` of everything flashable on the page now. */
function snapshot() {
  const m = new Map();
  for (const el of document.querySelectorAll('[data-k]')) m.set(el.dataset.k, el.dataset.v);
  return m;
}

const punchWidth = () => Math.max(300, $('punch').clientWidth || 610);

/** Developers listed before "show all": the first screenfuls, most commits first. */
const DEV_ROWS = 100;
let showAllDevelopers = false;
/** Lists every developer from now on (the "show all" button). */
export function showAllDevelopersFrom(d) {
  showAllDevelopers = true;
  renderDashboard(d, { flash: false });
}

const missing = '<p class="sub">This gateway does not serve this panel yet.</p>';

/**
 * Renders `d`. With `flash`, elements whose value differs from before get the `flash` class
 * (a new row or cell counts as changed from 0). Returns the keys that flashed.
 */
export function renderDashboard(d, { flash }) {
  const before = flash ? snapshot() : undefined;
  const repoNames = new Map(d.repos.map((r) => [r.repoId, r.name || r.repoId]));
  const empty = d.totals.commits === 0;
  $('org').textContent =
    `${d.orgId} · ${shortDay(d.from, true)} → ${shortDay(d.to, true)} (UTC days)`;
  const cards = {
    commits: 'commits',
    developers: 'developers',
    repos: 'repos',
    activeDays: 'active-days',
    filesChanged: 'files',
  };
  for (const [k, id] of Object.entries(cards)) {
    $(id).textContent = num(d.totals[k]);
    $(id).dataset.v = String(d.totals[k]);
  }
  $('seq').textContent = String(d.asOfSeq);
  $('empty').hidden = !empty;
  $('panels').hidden = empty;
  if (empty) {
    $('empty-text').textContent =
      `${d.orgId} has no commits from ${shortDay(d.from, true)} to ${shortDay(d.to, true)}. Try a longer range; this page updates by itself when commits arrive.`;
  }

  if (d.series && d.series.buckets.length) {
    const width = Math.max(300, $('series').clientWidth || 860);
    const { svg, legend } = seriesSvg(d.series, stacks(d.series, repoNames), width);
    $('series').innerHTML = svg;
    $('series-legend').innerHTML = legend;
    $('series-sub').textContent =
      `${d.series.granularity === 'week' ? 'per ISO week (Monday to Sunday, UTC)' : 'per UTC day'}, stacked by repository`;
  } else {
    $('series').innerHTML = missing;
    $('series-legend').innerHTML = '';
  }

  $('calendar').innerHTML = calendarSvg(d.heatmap.days);
  const cal = $('calendar').firstElementChild;
  // Short ranges have few, big cells: never blow them up past their drawn size.
  if (cal) cal.style.maxWidth = `${cal.dataset.width}px`;

  if (d.punchCard) {
    const local = d.punchCard.localCommits;
    const where =
      local === d.totals.commits
        ? '(authors’ local time)'
        : '(authors’ local time, UTC where unknown)';
    $('punch').innerHTML = punchCardSvg(d.punchCard.weekdayHour, where, punchWidth());
    $('punch-sub').textContent =
      `weekday × hour in the authors' local time · ${commits(local)} of ${num(d.totals.commits)} carried their UTC offset, the rest are placed by UTC`;
  } else {
    $('punch').innerHTML = punchCardSvg(d.heatmap.weekdayHour, '(UTC)', punchWidth());
    $('punch-sub').textContent = 'weekday × hour, UTC (this gateway does not serve local time)';
  }

  $('modules').innerHTML = d.topModules
    ? d.topModules.length
      ? moduleItems(d.topModules, repoNames)
      : '<li>No module paths in these commits.</li>'
    : `<li>${missing}</li>`;
  const shown =
    showAllDevelopers || d.developers.length <= DEV_ROWS
      ? d.developers
      : d.developers.slice(0, DEV_ROWS);
  $('devs').innerHTML = developerRows(shown);
  $('more-devs').hidden = shown.length === d.developers.length;
  $('more-devs').textContent = `Show all ${num(d.developers.length)} developers`;
  $('repoRows').innerHTML = repoRows(d.repos);
  $('ai-help').textContent = activityHelp(d.to);

  const flashed = [];
  if (before) {
    for (const el of document.querySelectorAll('[data-k]')) {
      const was = before.get(el.dataset.k);
      if (was === el.dataset.v || (was === undefined && /^0(:0)?$/.test(el.dataset.v))) continue;
      // Restart the animation on elements that were not rebuilt (the cards).
      el.classList.remove('flash');
      void el.getBoundingClientRect();
      el.classList.add('flash');
      flashed.push(el.dataset.k);
    }
  }
  return flashed;
}

/** Empties the panels (another view is loading, or the API refused it). */
export function clearDashboard() {
  for (const id of ['series', 'series-legend', 'calendar', 'punch', 'modules', 'devs', 'repoRows'])
    $(id).innerHTML = '';
  for (const id of ['commits', 'developers', 'repos', 'active-days', 'files', 'seq']) {
    $(id).textContent = '–';
    delete $(id).dataset.v;
  }
  $('empty').hidden = true;
  $('panels').hidden = false;
}
