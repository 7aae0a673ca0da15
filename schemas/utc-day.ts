/**
 * UTC days as `YYYY-MM-DD`: the day keys of every read model, the dashboard's `from`/`to`
 * and the snapshot windows. Every day computation goes through here. Pure.
 */

/** Milliseconds in a UTC day (UTC has no DST; leap seconds are not counted by `Date`). */
export const DAY_MS = 86_400_000;

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** The UTC day (`YYYY-MM-DD`) of an instant. */
export function utcDay(at: Date | number): string {
  return (typeof at === 'number' ? new Date(at) : at).toISOString().slice(0, 10);
}

/** Midnight UTC starting a day. */
export function dayStart(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

/** Midnight UTC ending a day (the next day's start). */
export function dayEnd(day: string): Date {
  return new Date(dayStart(day).getTime() + DAY_MS);
}

/** Midnight UTC starting the day of an instant, in epoch milliseconds. */
export function dayStartMs(at: number): number {
  return at - (((at % DAY_MS) + DAY_MS) % DAY_MS);
}

/** The day `n` days after `day` (negative `n` goes back). */
export function addDays(day: string, n: number): string {
  return utcDay(dayStart(day).getTime() + n * DAY_MS);
}

/** The first day of a day's month. */
export function firstOfMonth(day: string): string {
  return `${day.slice(0, 8)}01`;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return (dayStart(to).getTime() - dayStart(from).getTime()) / DAY_MS;
}

/** True when `value` is `YYYY-MM-DD` and a real calendar day (not 2025-02-30). */
export function isUtcDay(value: string): boolean {
  if (!DAY_PATTERN.test(value)) return false;
  const date = dayStart(value);
  // Date rolls 2025-02-30 over to March; a real day prints back as itself.
  return !Number.isNaN(date.getTime()) && utcDay(date) === value;
}

/** Every day from `from` to `to`, both included, in order. */
export function eachDay(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = dayStart(from).getTime(), end = dayStart(to).getTime(); t <= end; t += DAY_MS) {
    out.push(utcDay(t));
  }
  return out;
}

/**
 * Groups days into runs of consecutive days after widening each by `before`/`after` days,
 * so a store reads one time range per run instead of one per day. Sorted, pure.
 */
export function dayRuns(
  days: Iterable<string>,
  before = 0,
  after = 0,
): { from: string; to: string }[] {
  const sorted = [...new Set(days)].sort();
  const runs: { from: string; to: string }[] = [];
  for (const day of sorted) {
    const from = addDays(day, -before);
    const to = addDays(day, after);
    const last = runs.at(-1);
    if (last && from <= addDays(last.to, 1)) {
      if (to > last.to) last.to = to;
    } else {
      runs.push({ from, to });
    }
  }
  return runs;
}

/** Monday = 0 … Sunday = 6 of a day counted from the epoch (1970-01-01 was a Thursday). */
export function weekdayOfEpochDay(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}
