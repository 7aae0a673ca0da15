import { describe, expect, it } from 'vitest';
import type { DashboardDayPayload } from '../../schemas/read-models.ts';
import { DayCache } from './day-cache.ts';

const day = (commits: number): DashboardDayPayload => ({
  hours: Array.from({ length: 24 }, (_, h) => (h === 9 ? commits : 0)),
  localCells: [],
  localCommits: 0,
  repos: [],
  developers: [],
  modules: [],
});

function cache(maxBytes = 10_000, ttlMs = 60_000) {
  let now = 0;
  const c = new DayCache({ maxBytes, ttlMs, now: () => now });
  return { c, advance: (ms: number) => (now += ms) };
}

describe('day cache', () => {
  it('day cache - keeps what a read found, per read-model version; a day without commits too', () => {
    const { c } = cache();
    const t = c.begin();
    c.put('acme', '2025-11-19', 0, day(3), 500, t);
    c.put('acme', '2025-11-18', 0, null, 0, t);
    expect(c.get('acme', '2025-11-19', 0)).toEqual(day(3));
    expect(c.get('acme', '2025-11-18', 0)).toBeNull();
    expect(c.get('acme', '2025-11-17', 0)).toBeUndefined();
    expect(c.get('globex', '2025-11-19', 0)).toBeUndefined();
    // Another version (a replay switched): a miss, and the other version's entry is gone.
    expect(c.get('acme', '2025-11-19', 1)).toBeUndefined();
    expect(c.get('acme', '2025-11-19', 0)).toBeUndefined();
  });

  it('day cache - an update naming a day drops it, and a read begun before keeps nothing of it', () => {
    const { c } = cache();
    const early = c.begin();
    c.put('acme', '2025-11-19', 0, day(3), 500, early);
    c.changed('acme', ['2025-11-19']);
    expect(c.get('acme', '2025-11-19', 0)).toBeUndefined();
    // A read that started before the change may hold the day as it was: not kept.
    c.put('acme', '2025-11-19', 0, day(3), 500, early);
    expect(c.get('acme', '2025-11-19', 0)).toBeUndefined();
    // Other days of that read are kept; the same day read after the change is kept.
    c.put('acme', '2025-11-18', 0, day(1), 500, early);
    expect(c.get('acme', '2025-11-18', 0)).toEqual(day(1));
    c.put('acme', '2025-11-19', 0, day(4), 500, c.begin());
    expect(c.get('acme', '2025-11-19', 0)).toEqual(day(4));
    // Another org's day of the same date is untouched by acme's update.
    c.put('globex', '2025-11-19', 0, day(9), 500, early);
    c.changed('acme', ['2025-11-19']);
    expect(c.get('globex', '2025-11-19', 0)).toEqual(day(9));
  });

  it('day cache - bounded by bytes: the least recently used day goes first', () => {
    const { c } = cache(1_000);
    const t = c.begin();
    c.put('acme', 'd1', 0, day(1), 400, t);
    c.put('acme', 'd2', 0, day(2), 400, t);
    expect(c.get('acme', 'd1', 0)).toEqual(day(1)); // d1 used last now
    c.put('acme', 'd3', 0, day(3), 400, t);
    expect(c.bytes).toBeLessThanOrEqual(1_000);
    expect(c.get('acme', 'd2', 0)).toBeUndefined();
    expect(c.get('acme', 'd1', 0)).toEqual(day(1));
    expect(c.get('acme', 'd3', 0)).toEqual(day(3));
    // A day larger than the whole bound is not kept at all.
    c.put('acme', 'd4', 0, day(4), 5_000, t);
    expect(c.get('acme', 'd4', 0)).toBeUndefined();
    expect(c.size).toBe(2);
  });

  it('day cache - a day kept longer than the TTL is read again (writers that publish no update)', () => {
    const { c, advance } = cache(10_000, 1_000);
    c.put('acme', 'd1', 0, day(1), 100, c.begin());
    advance(999);
    expect(c.get('acme', 'd1', 0)).toEqual(day(1));
    advance(2);
    expect(c.get('acme', 'd1', 0)).toBeUndefined();
    expect(c.bytes).toBe(0);
  });

  it('day cache - cleared, it keeps nothing a read in flight found', () => {
    const { c } = cache();
    const t = c.begin();
    c.put('acme', 'd1', 0, day(1), 100, t);
    c.clear();
    expect(c.size).toBe(0);
    c.put('acme', 'd2', 0, day(2), 100, t);
    expect(c.get('acme', 'd2', 0)).toBeUndefined();
    c.put('acme', 'd2', 0, day(2), 100, c.begin());
    expect(c.get('acme', 'd2', 0)).toEqual(day(2));
  });
});
