import { describe, expect, it } from 'vitest';
import { BadQueryError } from '../errors.ts';
import { DashboardBuilder } from './dashboard-builder.ts';
import { parseDayRange } from './day-range.ts';

function bad(from: string | undefined, to: string | undefined, max = 366): string {
  try {
    parseDayRange(from, to, max);
  } catch (err) {
    expect(err).toBeInstanceOf(BadQueryError);
    expect((err as BadQueryError).status).toBe(400);
    return (err as BadQueryError).code;
  }
  throw new Error('expected a 400');
}

describe('dashboard range', () => {
  it('dashboard range - from and to are inclusive UTC days', () => {
    const r = parseDayRange('2025-11-01', '2025-11-30', 366);
    expect(r.days).toBe(30);
    expect(r.start.toISOString()).toBe('2025-11-01T00:00:00.000Z');
    expect(r.end.toISOString()).toBe('2025-12-01T00:00:00.000Z');
  });

  it('dashboard range - bad dates, from after to, and ranges over the cap are 400s', () => {
    expect(bad(undefined, '2025-11-01')).toBe('bad_date');
    expect(bad('2025-11-01', '')).toBe('bad_date');
    expect(bad('2025/11/01', '2025-11-02')).toBe('bad_date');
    expect(bad('2025-02-30', '2025-03-02')).toBe('bad_date');
    expect(bad('2025-11-01T00:00', '2025-11-02')).toBe('bad_date');
    expect(bad('2025-11-02', '2025-11-01')).toBe('bad_range');
    expect(bad('2025-01-01', '2025-01-31', 30)).toBe('range_too_long');
    expect(parseDayRange('2025-01-01', '2025-01-30', 30).days).toBe(30);
  });
});

const named = (login: string) => ({ devId: login, name: login, login });

describe('dashboard builder', () => {
  const range = parseDayRange('2025-11-17', '2025-11-19', 366);
  const row = (iso: string, dev: string, repo: string, files = 1) => ({
    timestamp: new Date(iso),
    authorGithubId: dev,
    repoId: repo,
    filesCount: files,
  });

  it('dashboard builder - heatmaps, developers and repos from commits', () => {
    const b = new DashboardBuilder(range);
    b.add(row('2025-11-19T10:00:00Z', 'alice', '42', 2)); // Wednesday 10h
    b.add(row('2025-11-19T10:05:00Z', 'alice', '42', 2));
    b.add(row('2025-11-17T09:00:00Z', 'bob', '7', 1)); // Monday 09h
    b.add(row('2025-11-18T23:59:59Z', 'email:c@x.io', '42', 0)); // Tuesday 23h
    b.add(row('2025-11-20T00:00:00Z', 'alice', '42', 5)); // outside: ignored
    const d = b.build({
      orgId: 'acme',
      asOfSeq: 9,
      readModelVersion: 0,
      activityIndex: new Map([['alice', 61]]),
    });
    expect(d.totals).toEqual({
      commits: 4,
      developers: 3,
      repos: 2,
      activeDays: 3,
      filesChanged: 5,
    });
    expect(d.heatmap.days).toEqual([
      { day: '2025-11-17', commits: 1 },
      { day: '2025-11-18', commits: 1 },
      { day: '2025-11-19', commits: 2 },
    ]);
    expect(d.heatmap.weekdayHour).toHaveLength(7);
    expect(d.heatmap.weekdayHour[2]?.[10]).toBe(2);
    expect(d.heatmap.weekdayHour[0]?.[9]).toBe(1);
    expect(d.heatmap.weekdayHour[1]?.[23]).toBe(1);
    expect(d.heatmap.weekdayHour.flat().reduce((a, b) => a + b, 0)).toBe(4);
    expect(d.developers).toEqual([
      // Old documents without authorName: the login names the developer, else the id.
      { ...named('alice'), commits: 2, activeDays: 1, filesChanged: 4, activityIndex: 61 },
      { ...named('bob'), commits: 1, activeDays: 1, filesChanged: 1, activityIndex: 0 },
      {
        devId: 'email:c@x.io',
        name: 'email:c@x.io',
        commits: 1,
        activeDays: 1,
        filesChanged: 0,
        activityIndex: 0,
      },
    ]);
    expect(d.repos).toEqual([
      { repoId: '42', name: '42', commits: 3, developers: 2, filesChanged: 4 },
      { repoId: '7', name: '7', commits: 1, developers: 1, filesChanged: 1 },
    ]);
    expect(d.asOfSeq).toBe(9);
  });

  it('dashboard builder - an empty range still lists every day with zero', () => {
    const d = new DashboardBuilder(range).build({
      orgId: 'acme',
      asOfSeq: 0,
      readModelVersion: 0,
      activityIndex: new Map(),
    });
    expect(d.heatmap.days.map((x) => x.commits)).toEqual([0, 0, 0]);
    expect(d.developers).toEqual([]);
    expect(d.totals.commits).toBe(0);
  });
});
