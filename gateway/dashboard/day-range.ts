import { dayEnd, daysBetween, dayStart, eachDay, isUtcDay } from '../../schemas/utc-day.ts';
import { BadQueryError } from '../errors.ts';

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
  const first = parseDay('from', from);
  const last = parseDay('to', to);
  if (first > last) {
    throw new BadQueryError('bad_range', `from (${from}) is after to (${to})`);
  }
  const days = daysBetween(first, last) + 1;
  if (days > maxDays) {
    throw new BadQueryError(
      'range_too_long',
      `the range covers ${days} days; at most ${maxDays} are allowed`,
    );
  }
  return { from: first, to: last, start: dayStart(first), end: dayEnd(last), days };
}

function parseDay(name: string, value: string | undefined): string {
  if (value === undefined || value === '')
    throw new BadQueryError('bad_date', `${name} is required (YYYY-MM-DD)`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    throw new BadQueryError('bad_date', `${name} must be a date as YYYY-MM-DD`);
  }
  if (!isUtcDay(value)) {
    throw new BadQueryError('bad_date', `${name} is not a calendar day: ${value}`);
  }
  return value;
}

/** Every day of a range, in order. */
export function daysOf(range: DayRange): string[] {
  return eachDay(range.from, range.to);
}
