import { describe, expect, it } from 'vitest';
import { DashboardDay } from '../../projector/testing/mod.ts';
import { Dashboard } from '../../schemas/dashboard.ts';
import type { DashboardDayPayload } from '../../schemas/read-models.ts';
import {
  decodeDashboardDayPayload,
  encodeDashboardDayPayload,
} from '../../platform/snapshot-codec.ts';
import { dayStart, utcDay } from '../../schemas/utc-day.ts';
import { DashboardBuilder, type CommitRow } from './dashboard-builder.ts';
import { parseDayRange } from './day-range.ts';
import { seededRandom } from '../../test/support/seeded-random.ts';

const meta = { orgId: 'acme', asOfSeq: 1, readModelVersion: 0, activityIndex: new Map() };

/** The dashboard from the day rollups the projector writes, checked against the per-commit build. */
function build(from: string, to: string, rows: CommitRow[]): Dashboard {
  const range = parseDayRange(from, to, 366);
  const byCommit = new DashboardBuilder(range);
  for (const r of rows) byCommit.add(r);
  const byDay = new DashboardBuilder(range);
  const days = rollUp(rows);
  const before = structuredClone(days);
  for (const [day, payload] of days) byDay.addDay(dayStart(day), payload);
  const d = byDay.build(meta);
  expect(d).toEqual(byCommit.build(meta));
  // The gateway's day cache hands the same payloads to every answer: building reads them only.
  expect(days).toEqual(before);
  // Every answer is valid against the contract the page is typed from.
  expect(Dashboard.safeParse(d).error).toBeUndefined();
  return d;
}

/** Commits → `dashboard_day` payloads by UTC day, in a shuffled day order, through the stored JSON text and back. */
function rollUp(rows: readonly CommitRow[]): [string, DashboardDayPayload][] {
  const days = new Map<string, DashboardDay>();
  for (const r of rows) {
    const day = utcDay(r.timestamp);
    let acc = days.get(day);
    if (!acc) days.set(day, (acc = new DashboardDay()));
    acc.add(r);
  }
  const out = [...days].map(([day, acc]): [string, DashboardDayPayload] => [
    day,
    decodeDashboardDayPayload({ payloadDeflated: encodeDashboardDayPayload(acc.payload()) }),
  ]);
  return out.reverse();
}

describe('dashboard builder rollups', () => {
  it('dashboard builder rollups - random commits give the same answer from days as from commits', () => {
    const pick = <T>(r: () => number, list: readonly T[]): T =>
      list[Math.floor(r() * list.length)]!;
    for (const [seed, from, to] of [
      [1, '2025-11-01', '2025-11-30'], // daily series
      [2, '2025-01-01', '2025-12-31'], // weekly, partial edge weeks
      [3, '2024-12-30', '2025-04-06'], // weekly from a Monday
    ] as const) {
      const r = seededRandom(seed);
      const first = dayStart(from).getTime() - 3 * 86_400_000; // some commits before the range
      const span = dayStart(to).getTime() - first + 5 * 86_400_000; // and after it
      const rows: CommitRow[] = Array.from({ length: 3000 }, () => ({
        // Whole minutes, so equal times (name ties) happen.
        timestamp: new Date(first + Math.floor((r() * span) / 60_000) * 60_000),
        authorGithubId: pick(r, ['alice', 'bob', 'carol', 'email:d@x.io', 'e.v', 'f']),
        repoId: pick(r, ['1', '2', '3', '42']),
        filesCount: Math.floor(r() * 9),
        ...(r() < 0.8 ? { authorName: pick(r, ['A', 'B', 'Alice', 'Bob', 'Zed']) } : {}),
        ...(r() < 0.7 ? { utcOffsetMinutes: pick(r, [-570, -300, 0, 60, 330, 840]) } : {}),
        ...(r() < 0.7 ? { repoName: pick(r, ['acme/a', 'acme/b', 'acme/c']) } : {}),
        ...(r() < 0.9 ? { modulePaths: ['src', 'docs', 'lib', 'x'].filter(() => r() < 0.5) } : {}),
      }));
      // Every commit of one minute twice over, names differing: ties between days never occur,
      // within a day the tally must break them as the per-commit build does.
      rows.push(...rows.slice(0, 200).map((c) => ({ ...c, authorName: 'Tie' })));
      const d = build(from, to, rows);
      expect(d.totals.commits).toBeGreaterThan(2500);
    }
  });
});

function row(iso: string, extra: Partial<CommitRow> = {}): CommitRow {
  return {
    timestamp: new Date(iso),
    authorGithubId: 'alice',
    repoId: '42',
    filesCount: 1,
    ...extra,
  };
}

/** Cells of a 7×24 grid that are not zero, as `weekday@hour=count`. */
function cells(grid: number[][]): string[] {
  return grid.flatMap((hours, w) => hours.flatMap((n, h) => (n ? [`${w}@${h}=${n}`] : [])));
}

describe('dashboard builder fields', () => {
  it("dashboard builder fields - developers are named by their latest commit's author name, with the login", () => {
    const d = build('2025-11-17', '2025-11-19', [
      row('2025-11-19T10:00:00Z', { authorName: 'Alice L.' }),
      row('2025-11-17T10:00:00Z', { authorName: 'alice (old laptop)' }),
      row('2025-11-19T12:00:00Z'), // latest, but an old document without a name
      row('2025-11-18T10:00:00Z', { authorGithubId: 'email:c@x.io', authorName: 'Carol' }),
      row('2025-11-18T10:00:00Z', { authorGithubId: 'email:d@x.io' }),
      row('2025-11-18T10:00:00Z', { authorGithubId: 'bob' }),
    ]);
    expect(d.developers.map(({ devId, name, login }) => ({ devId, name, login }))).toEqual([
      { devId: 'alice', name: 'Alice L.', login: 'alice' },
      { devId: 'bob', name: 'bob', login: 'bob' },
      { devId: 'email:c@x.io', name: 'Carol', login: undefined },
      { devId: 'email:d@x.io', name: 'email:d@x.io', login: undefined },
    ]);
    expect('login' in (d.developers[2] ?? {})).toBe(false);
  });

  it('dashboard builder fields - equal latest times pick the same name whatever the order', () => {
    const a = row('2025-11-19T10:00:00Z', { authorName: 'Alice A' });
    const b = row('2025-11-19T10:00:00Z', { authorName: 'Alice B' });
    expect(build('2025-11-19', '2025-11-19', [a, b]).developers[0]?.name).toBe('Alice B');
    expect(build('2025-11-19', '2025-11-19', [b, a]).developers[0]?.name).toBe('Alice B');
  });

  it('dashboard builder fields - repositories are named by their latest full name, else the id', () => {
    const d = build('2025-11-17', '2025-11-19', [
      row('2025-11-17T10:00:00Z', { repoName: 'acme/old-name' }),
      row('2025-11-18T10:00:00Z', { repoName: 'acme/web' }),
      row('2025-11-19T10:00:00Z'),
      row('2025-11-19T10:00:00Z', { repoId: '7' }),
    ]);
    expect(d.repos.map(({ repoId, name }) => ({ repoId, name }))).toEqual([
      { repoId: '42', name: 'acme/web' },
      { repoId: '7', name: '7' },
    ]);
  });

  it('dashboard builder fields - up to 92 days the series is daily, per repository in the order of repos', () => {
    const d = build('2025-11-17', '2025-11-19', [
      row('2025-11-17T00:00:00Z', { repoId: '7' }),
      row('2025-11-19T23:59:59Z'),
      row('2025-11-19T01:00:00Z'),
      row('2025-11-20T00:00:00Z'), // after the range
    ]);
    expect(d.series).toEqual({
      granularity: 'day',
      buckets: ['2025-11-17', '2025-11-18', '2025-11-19'],
      repos: [
        { repoId: '42', commits: [0, 0, 2] },
        { repoId: '7', commits: [1, 0, 0] },
      ],
    });
    expect(build('2025-01-01', '2025-04-02', []).series.granularity).toBe('day'); // 92 days
    expect(build('2025-01-01', '2025-04-03', []).series.granularity).toBe('week'); // 93 days
  });

  it('dashboard builder fields - longer ranges are ISO weeks labelled by Monday, the edge weeks partial', () => {
    // 2025-01-01 is a Wednesday: its week starts Monday 2024-12-30. 2025-04-03 is a Thursday.
    const d = build('2025-01-01', '2025-04-03', [
      row('2024-12-31T23:59:59Z'), // before the range, same ISO week: not counted
      row('2025-01-01T00:00:00Z'),
      row('2025-01-05T23:59:59Z'), // Sunday: still the first week
      row('2025-01-06T00:00:00Z'), // Monday: the second
      row('2025-04-03T23:59:59Z'), // last day of the range
      row('2025-04-04T00:00:00Z'), // after it, same week: not counted
    ]);
    const { buckets, repos } = d.series;
    expect(d.series.granularity).toBe('week');
    expect(buckets[0]).toBe('2024-12-30');
    expect(buckets[1]).toBe('2025-01-06');
    expect(buckets.at(-1)).toBe('2025-03-31');
    expect(buckets).toHaveLength(14);
    for (const day of buckets) expect(new Date(`${day}T00:00:00Z`).getUTCDay()).toBe(1);
    const commits = repos[0]?.commits ?? [];
    expect(commits).toHaveLength(14);
    expect([commits[0], commits[1], commits.at(-1)]).toEqual([2, 1, 1]);
    expect(commits.reduce((a, b) => a + b, 0)).toBe(d.totals.commits);
  });

  it('dashboard builder fields - a range starting on a Monday has no partial first week', () => {
    const d = build('2024-12-30', '2025-12-28', [row('2024-12-30T00:00:00Z')]);
    expect(d.series.buckets[0]).toBe('2024-12-30');
    expect(d.series.buckets).toHaveLength(52);
    expect(d.series.repos[0]?.commits[0]).toBe(1);
  });

  it("dashboard builder fields - the punch card uses the author's offset, across midnight and weekdays", () => {
    const d = build('2025-11-16', '2025-11-19', [
      // Wednesday 02:00 UTC at -05:00 is Tuesday 21:00 local.
      row('2025-11-19T02:00:00Z', { utcOffsetMinutes: -300 }),
      // Monday 20:00 UTC at +05:30 is Tuesday 01:30 local.
      row('2025-11-17T20:00:00Z', { utcOffsetMinutes: 330 }),
      // Sunday 23:00 UTC at +14:00 is Monday 13:00 local.
      row('2025-11-16T23:00:00Z', { utcOffsetMinutes: 840 }),
      // Monday 00:30 UTC at -09:30 is Sunday 15:00 local.
      row('2025-11-17T00:30:00Z', { utcOffsetMinutes: -570 }),
      // +00:00 is local UTC, and counts as placed by its offset.
      row('2025-11-18T09:00:00Z', { utcOffsetMinutes: 0 }),
      // No offset (Z, or an old document): placed by UTC.
      row('2025-11-18T10:00:00Z'),
    ]);
    expect(cells(d.punchCard.weekdayHour).sort()).toEqual(
      ['1@21=1', '1@1=1', '0@13=1', '6@15=1', '1@9=1', '1@10=1'].sort(),
    );
    expect(d.punchCard.localCommits).toBe(5);
    // The heatmap stays UTC.
    expect(cells(d.heatmap.weekdayHour).sort()).toEqual(
      ['2@2=1', '0@20=1', '6@23=1', '0@0=1', '1@9=1', '1@10=1'].sort(),
    );
  });

  it('dashboard builder fields - top modules count commits per repository and module, at most 20', () => {
    const rows: CommitRow[] = [
      row('2025-11-19T10:00:00Z', { modulePaths: ['src', 'docs'] }),
      row('2025-11-19T11:00:00Z', { modulePaths: ['src'] }),
      row('2025-11-19T12:00:00Z', { repoId: '7', modulePaths: ['src'] }),
      row('2025-11-19T12:00:00Z', { repoId: '7' }), // an old document without modulePaths
    ];
    for (let i = 0; i < 30; i++) {
      rows.push(row('2025-11-18T10:00:00Z', { repoId: '9', modulePaths: [`m${i}`] }));
    }
    const d = build('2025-11-18', '2025-11-19', rows);
    expect(d.topModules).toHaveLength(20);
    expect(d.topModules.slice(0, 4)).toEqual([
      { repoId: '42', module: 'src', commits: 2 },
      { repoId: '42', module: 'docs', commits: 1 },
      { repoId: '7', module: 'src', commits: 1 },
      { repoId: '9', module: 'm0', commits: 1 },
    ]);
    expect(build('2025-11-18', '2025-11-19', []).topModules).toEqual([]);
  });

  it('dashboard builder fields - an empty range has zero series and an empty punch card', () => {
    const d = build('2025-01-01', '2025-12-31', []);
    expect(d.series.repos).toEqual([]);
    expect(d.series.buckets).toHaveLength(53);
    expect(d.punchCard.localCommits).toBe(0);
    expect(d.punchCard.weekdayHour.flat().every((n) => n === 0)).toBe(true);
  });
});
