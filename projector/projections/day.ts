/** UTC day arithmetic on `YYYY-MM-DD` strings, the day keys of every read model. */

const DAY_MS = 86_400_000;

/** The UTC day (`YYYY-MM-DD`) of an instant. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Midnight UTC starting a day. */
export function dayStart(day: string): Date {
  return new Date(`${day}T00:00:00.000Z`);
}

/** Midnight UTC ending a day (the next day's start). */
export function dayEnd(day: string): Date {
  return new Date(dayStart(day).getTime() + DAY_MS);
}

/** The day `n` days after `day` (negative `n` goes back). */
export function addDays(day: string, n: number): string {
  return utcDay(new Date(dayStart(day).getTime() + n * DAY_MS));
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
