// What the page shows — org, from, to — lives in the address bar (`?org=…&from=…&to=…`), so
// a view can be bookmarked and back/forward walks through the views.

import { DAY_MS, daysBetween, isUtcDay, utcDay } from '../../schemas/utc-day.ts';

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
  const from = p.get('from') || (isUtcDay(to) ? utcDay(Date.parse(to) - 29 * DAY_MS) : to);
  return { org, from, to };
}

/** The address of a view (the current path, no token). */
export function viewUrl(view) {
  const p = new URLSearchParams({ org: view.org, from: view.from, to: view.to });
  return `${location.pathname}?${p.toString()}`;
}

/** Which preset a view is, if any (ends today, spans exactly that many days). */
export function presetOf(view, now = Date.now()) {
  if (!isUtcDay(view.from) || view.to !== utcDay(now)) return undefined;
  const days = daysBetween(view.from, view.to) + 1;
  return PRESETS.includes(days) ? days : undefined;
}
