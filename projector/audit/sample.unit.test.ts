import { describe, expect, it } from 'vitest';
import { daysByOrg, sampleOrgDays, type AuditOrgDay } from './sample.ts';

const od = (orgId: string, day: string): AuditOrgDay => ({ orgId, day });
/** 3 orgs × days 2026-11-20..29: recent from 2026-11-26 (3 orgs × 4 days = 12 recent). */
const pool = ['a', 'b', 'c'].flatMap((o) =>
  Array.from({ length: 10 }, (_, i) => od(o, `2026-11-${String(20 + i).padStart(2, '0')}`)),
);
const seq = (values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};

describe('sampleOrgDays', () => {
  it('takes half recent round-robin and half random older ones, distinct and sorted', () => {
    const s = sampleOrgDays({
      pool,
      recentFrom: '2026-11-26',
      n: 6,
      cursor: 0,
      random: seq([0.5]),
    });
    expect(s.picked).toHaveLength(6);
    expect(s.picked.filter((d) => d.day >= '2026-11-26')).toHaveLength(3);
    expect(s.picked.filter((d) => d.day < '2026-11-26')).toHaveLength(3);
    expect(new Set(s.picked.map((d) => d.orgId + d.day)).size).toBe(6);
    const keys = s.picked.map((d) => `${d.orgId} ${d.day}`);
    expect(keys).toEqual([...keys].sort());
    expect(s.cursor).toBe(3);
    expect(s.wrapped).toBe(false);
  });

  it('walks every recent org-day once per cycle, then wraps', () => {
    const seen: string[] = [];
    let cursor = 0;
    let wrapped = false;
    for (let run = 0; run < 3; run++) {
      const s = sampleOrgDays({
        pool,
        recentFrom: '2026-11-26',
        n: 8,
        cursor,
        random: Math.random,
      });
      seen.push(...s.picked.filter((d) => d.day >= '2026-11-26').map((d) => d.orgId + d.day));
      cursor = s.cursor;
      wrapped = s.wrapped;
    }
    expect(new Set(seen).size).toBe(12);
    expect(seen).toHaveLength(12);
    expect(wrapped).toBe(true);
    expect(cursor).toBe(0);
  });

  it('fills up from the other side when one has too few', () => {
    const onlyOld = sampleOrgDays({
      pool,
      recentFrom: '2026-12-31',
      n: 5,
      cursor: 0,
      random: seq([0]),
    });
    expect(onlyOld.picked).toHaveLength(5);
    expect(onlyOld.wrapped).toBe(true);
    const onlyRecent = sampleOrgDays({
      pool,
      recentFrom: '2026-11-01',
      n: 5,
      cursor: 7,
      random: seq([0]),
    });
    expect(onlyRecent.picked).toHaveLength(5);
    expect(onlyRecent.cursor).toBe(12);
  });

  it('never picks more than the pool holds, and nothing from an empty pool or n = 0', () => {
    expect(
      sampleOrgDays({ pool, recentFrom: '2026-11-26', n: 100, cursor: 0, random: Math.random })
        .picked,
    ).toHaveLength(30);
    expect(
      sampleOrgDays({ pool: [], recentFrom: '2026-11-26', n: 20, cursor: 3, random: Math.random })
        .picked,
    ).toEqual([]);
    expect(
      sampleOrgDays({ pool, recentFrom: '2026-11-26', n: 0, cursor: 0, random: Math.random })
        .picked,
    ).toEqual([]);
  });

  it('picks older ones without repeats, whatever random returns (up to just below 1)', () => {
    const s = sampleOrgDays({
      pool,
      recentFrom: '2026-11-26',
      n: 20,
      cursor: 0,
      random: seq([0.9999]),
    });
    expect(new Set(s.picked.map((d) => d.orgId + d.day)).size).toBe(20);
  });

  it('ignores duplicates in the pool', () => {
    const s = sampleOrgDays({
      pool: [od('a', '2026-11-29'), od('a', '2026-11-29')],
      recentFrom: '2026-11-26',
      n: 5,
      cursor: 0,
      random: Math.random,
    });
    expect(s.picked).toEqual([od('a', '2026-11-29')]);
  });
});

describe('daysByOrg', () => {
  it('groups and sorts', () => {
    expect(
      daysByOrg([od('b', '2026-01-02'), od('a', '2026-01-03'), od('b', '2026-01-01')]),
    ).toEqual(
      new Map([
        ['b', ['2026-01-01', '2026-01-02']],
        ['a', ['2026-01-03']],
      ]),
    );
  });
});
