import { BadQueryError } from '../errors.ts';

const DAY_MS = 86_400_000;

/** An inclusive range of UTC days and the instants that bound it. */
export interface DayRange {
  from: string;
  to: string;
  /** Midnight UTC starting `from`. */
  start: Date;
  /** Midnight UTC ending `to` (exclusive bound). */
  end: Date;
  /** Number of days, both ends included. */
  days: number;
}

/** Parses `from`/`to` (`YYYY-MM-DD`, real calendar days, UTC). Throws {@link BadQueryError} (400). */
export function parseDayRange(
  from: string | undefined,
  to: string | undefined,
  maxDays: number,
): DayRange {
  const start = parseDay('from', from);
  const toStart = parseDay('to', to);
  if (start.getTime() > toStart.getTime()) {
    throw new BadQueryError('bad_range', `from (${from}) is after to (${to})`);
  }
  const days = (toStart.getTime() - start.getTime()) / DAY_MS + 1;
  if (days > maxDays) {
    throw new BadQueryError(
      'range_too_long',
      `the range covers ${days} days; at most ${maxDays} are allowed`,
    );
  }
  return {
    from: from as string,
    to: to as string,
    start,
    end: new Date(toStart.getTime() + DAY_MS),
    days,
  };
}

function parseDay(name: string, value: string | undefined): Date {
  if (value === undefined || value === '')
    throw new BadQueryError('bad_date', `${name} is required (YYYY-MM-DD)`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    throw new BadQueryError('bad_date', `${name} must be a date as YYYY-MM-DD`);
  }
  const date = new Date(`${value}T00:00:00.000Z`);
  // Date rolls 2025-02-30 over to March; a real day prints back as itself.
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) {
    throw new BadQueryError('bad_date', `${name} is not a calendar day: ${value}`);
  }
  return date;
}

/** Every day of a range, in order. */
export function daysOf(range: DayRange): string[] {
  const out: string[] = [];
  for (let t = range.start.getTime(); t < range.end.getTime(); t += DAY_MS) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}
