// What the page shows — org, from, to — lives in the address bar (`?org=…&from=…&to=…`), so
// a view can be bookmarked and back/forward walks through the views.

const DAY_MS = 864e5;
/** A Date's UTC day, `YYYY-MM-DD`. */
export const utcDay = (ms) => new Date(ms).toISOString().slice(0, 10);
const isDay = (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s));

/** The presets: the last n UTC days, today included. */
export const PRESETS = [7, 30, 90, 365];

/** The range of the last `days` UTC days ending today. */
export function presetRange(days, now = Date.now()) {
  return { from: utcDay(now - (days - 1) * DAY_MS), to: utcDay(now) };
}

/**
 * The view in the address bar. Missing parts get defaults (the token's first org, the last
 * 30 days); malformed ones are kept as they are, so the API says what is wrong with them.
 */
export function readView(orgs, search = location.search) {
  const p = new URLSearchParams(search);
  const org = p.get('org') || orgs[0] || '';
  const to = p.get('to') || utcDay(Date.now());
  const from = p.get('from') || (isDay(to) ? utcDay(Date.parse(to) - 29 * DAY_MS) : to);
  return { org, from, to };
}

/** The address of a view (the current path, no token). */
export function viewUrl(view) {
  const p = new URLSearchParams({ org: view.org, from: view.from, to: view.to });
  return `${location.pathname}?${p.toString()}`;
}

/** Which preset a view is, if any (ends today, spans exactly that many days). */
export function presetOf(view, now = Date.now()) {
  if (!isDay(view.from) || view.to !== utcDay(now)) return undefined;
  const days = Math.round((Date.parse(view.to) - Date.parse(view.from)) / DAY_MS) + 1;
  return PRESETS.includes(days) ? days : undefined;
}
