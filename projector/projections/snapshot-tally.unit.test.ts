import { describe, expect, it } from 'vitest';
import type { CommitDoc } from '../../schemas/read-models.ts';
import { utcDay } from '../../schemas/utc-day.ts';
import { readModelsOf, sortSnapshots } from './in-memory-read-models.ts';
import { SnapshotTally } from './snapshot-tally.ts';

/** A deterministic corpus: 3 orgs, 5 repos, 9 developers, 20 days, modules in folders. */
function corpus(n: number): CommitDoc[] {
  return Array.from({ length: n }, (_, i) => {
    const repo = (i * 7) % 5;
    return {
      orgId: `org${repo % 3}`,
      repoId: String(100 + repo),
      sha: i.toString(16).padStart(40, '0'),
      authorGithubId: `dev${(i * 5) % 9}`,
      authorEmail: `dev${(i * 5) % 9}@example.com`,
      message: `m${i}`,
      timestamp: new Date(Date.UTC(2026, 2, 1 + ((i * 13) % 20), i % 24)),
      modulePaths: [`m${i % 4}`, ...(i % 3 === 0 ? ['(root)'] : [])],
      filesCount: 1 + (i % 3),
      processed: true,
      // Names change and tie (equal times), offsets and repo names are missing on some.
      ...(i % 5 === 0 ? {} : { authorName: `Dev ${(i * 5) % 9} v${i % 3}` }),
      ...(i % 4 === 0 ? {} : { utcOffsetMinutes: [-300, 0, 330][i % 3] }),
      ...(i % 6 === 0 ? {} : { repoName: `org/r${repo}-${i % 2}` }),
    } as unknown as CommitDoc;
  });
}

describe('snapshot tally', () => {
  it('snapshot tally - the same snapshots as the per-commit projections, in any order', () => {
    const docs = corpus(400);
    const expected = readModelsOf(docs).snapshots;
    const keysOf = (list: CommitDoc[]) => {
      const repos = new Map<string, { orgId: string; repoId: string; days: Set<string> }>();
      const orgDays = new Map<string, Set<string>>();
      for (const d of list) {
        const k = `${d.orgId}/${d.repoId}`;
        if (!repos.has(k)) repos.set(k, { orgId: d.orgId, repoId: d.repoId, days: new Set() });
        repos.get(k)!.days.add(utcDay(d.timestamp));
        if (!orgDays.has(d.orgId)) orgDays.set(d.orgId, new Set());
        orgDays.get(d.orgId)!.add(utcDay(d.timestamp));
      }
      return {
        repos: [...repos.values()].map((r) => ({
          ...r,
          days: [...r.days],
          commitKeys: [],
          lineage: [],
        })),
        orgDays: new Map([...orgDays].map(([o, days]) => [o, [...days]])),
      };
    };
    for (const order of [docs, [...docs].reverse()]) {
      const tally = new SnapshotTally();
      for (const d of order) tally.add(d);
      expect(sortSnapshots(tally.snapshotsOf(keysOf(docs)))).toEqual(expected);
    }
    expect(expected.length).toBeGreaterThanOrEqual(40);
    expect(expected.filter((s) => s.metricName === 'dashboard_day').length).toBeGreaterThanOrEqual(
      20,
    );
  });

  it('snapshot tally - computes only the keys asked for; unknown keys give nothing', () => {
    const tally = new SnapshotTally();
    for (const d of corpus(50)) tally.add(d);
    const one = tally.snapshotsOf({
      repos: [{ orgId: 'org0', repoId: '100', days: ['2026-03-01'], commitKeys: [], lineage: [] }],
      orgDays: new Map(),
    });
    expect(one.map((s) => [s.metricName, s.repoId])).toEqual([['recent_commits', '100']]);
    expect(
      tally.snapshotsOf({
        repos: [
          { orgId: 'nobody', repoId: '1', days: ['2026-03-01'], commitKeys: [], lineage: [] },
        ],
        orgDays: new Map([['nobody', ['2026-03-01']]]),
      }),
    ).toEqual([]);
  });
});
