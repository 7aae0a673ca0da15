import { describe, expect, it } from 'vitest';
import {
  addDays,
  dayEnd,
  daysBetween,
  dayStart,
  dayStartMs,
  eachDay,
  firstOfMonth,
  isUtcDay,
  utcDay,
} from './utc-day.ts';

describe('utc day', () => {
  it('utc day - the day of an instant is its UTC day, whatever the hour', () => {
    expect(utcDay(new Date('2025-11-19T23:59:59.999Z'))).toBe('2025-11-19');
    expect(utcDay(Date.parse('2025-11-20T00:00:00Z'))).toBe('2025-11-20');
    expect(dayStartMs(Date.parse('2025-11-19T13:14:15Z'))).toBe(Date.parse('2025-11-19T00:00:00Z'));
  });

  it('utc day - starts, ends and steps cross months, years and leap days', () => {
    expect(dayStart('2024-02-29').toISOString()).toBe('2024-02-29T00:00:00.000Z');
    expect(dayEnd('2024-02-29').toISOString()).toBe('2024-03-01T00:00:00.000Z');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(firstOfMonth('2024-02-29')).toBe('2024-02-01');
    expect(daysBetween('2025-12-30', '2026-01-02')).toBe(3);
    expect(eachDay('2025-12-30', '2026-01-01')).toEqual(['2025-12-30', '2025-12-31', '2026-01-01']);
    expect(eachDay('2026-01-02', '2026-01-01')).toEqual([]);
  });

  it('utc day - only real calendar days as YYYY-MM-DD are days', () => {
    expect(isUtcDay('2024-02-29')).toBe(true);
    for (const bad of ['2025-02-29', '2025-02-30', '2025-13-01', '2025-1-01', '20250101', ''])
      expect(isUtcDay(bad), bad).toBe(false);
  });
});
