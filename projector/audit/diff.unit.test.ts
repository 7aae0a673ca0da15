import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { CommitDoc, MetricSnapshot } from '../../schemas/read-models.ts';
import { encodeSnapshot, type StoredDashboardDay } from '../../platform/snapshot-codec.ts';
import { readModelsOf } from '../projections/in-memory-read-models.ts';
import { snapshotId } from '../stores/snapshot-store.ts';
import { countsOfCommits } from './counter-audit.ts';
import { diffCounters, diffSnapshots } from './diff.ts';

const snap = (
  repoId: string,
  day: string,
  count: number,
): Extract<MetricSnapshot, { metricName: 'recent_commits' }> => ({
  orgId: 'acme',
  repoId,
  metricName: 'recent_commits',
  metricValue: count,
  timeframeStart: new Date(`${day}T00:00:00Z`),
  timeframeEnd: new Date(`${day}T23:59:59.999Z`),
  payload: { byAuthor: [{ devId: 'ann', count }] },
});

describe('diffSnapshots', () => {
  const a = snap('1', '2026-11-28', 2);
  const b = snap('2', '2026-11-28', 1);
  it('finds nothing when stored equals expected (_id and field order aside)', () => {
    const stored = [{ ...b }, { _id: snapshotId(a), ...a }];
    expect(diffSnapshots([a, b], stored)).toEqual({
      checked: 2,
      missing: [],
      changed: [],
      extra: [],
    });
  });
  it('finds missing, changed and extra snapshots by natural key', () => {
    const c = snap('3', '2026-11-28', 4);
    const d = diffSnapshots(
      [a, b],
      [
        { ...b, metricValue: 9 },
        { ...c, _id: snapshotId(c) },
      ],
    );
    expect(d).toEqual({
      checked: 3,
      missing: [snapshotId(a)],
      changed: [snapshotId(b)],
      extra: [snapshotId(c)],
    });
  });
  it('sees a change deep in the payload', () => {
    const d = diffSnapshots([a], [{ ...a, payload: { byAuthor: [{ devId: 'ann', count: 3 }] } }]);
    expect(d.changed).toEqual([snapshotId(a)]);
  });

  describe('a dashboard_day (stored deflated)', () => {
    const models = readModelsOf([
      commitDoc('c1', '2026-11-28T09:00:00Z', 'ann'),
      commitDoc('c2', '2026-11-28T10:00:00Z', 'bob'),
    ]);
    const day = models.snapshots.find((s) => s.metricName === 'dashboard_day')!;
    const stored = encodeSnapshot(day) as StoredDashboardDay;
    const { payloadDeflated: _deflated, ...fields } = stored;
    const text = JSON.stringify(day.payload);
    it('equals the recomputed day, deflated, as text or in the nested forms of before', () => {
      expect(diffSnapshots([day], [stored]).changed).toEqual([]);
      expect(diffSnapshots([day], [{ ...fields, payloadJson: text }]).changed).toEqual([]);
      expect(diffSnapshots([day], [{ ...day }]).changed).toEqual([]);
    });
    it('differs when one number inside the payload is damaged, or it does not decode', () => {
      const damaged = JSON.parse(text) as { developers: { commits: number }[] };
      damaged.developers[1]!.commits += 1;
      const cases = [
        { ...stored, payloadDeflated: deflateRawSync(JSON.stringify(damaged)) },
        { ...stored, payloadDeflated: stored.payloadDeflated.subarray(0, 10) },
        { ...fields, payloadJson: text.slice(0, -1) },
        { ...fields, payloadJson: text.replace('"files"', '"x":1,"files"') },
      ];
      for (const c of cases) expect(diffSnapshots([day], [c]).changed).toEqual([snapshotId(day)]);
    });
  });
});

function commitDoc(sha: string, at: string, author: string): CommitDoc {
  return {
    sha,
    repoId: '1',
    orgId: 'acme',
    authorGithubId: author,
    message: 'm',
    timestamp: new Date(at),
    filesCount: 1,
    modulePaths: ['src'],
    processed: true,
  };
}

describe('counters', () => {
  const at = (day: string) => new Date(`${day}T10:00:00Z`);
  const rows = [
    { orgId: 'acme', repoId: '1', sha: 'a1', authorGithubId: 'ann', timestamp: at('2026-11-28') },
    { orgId: 'acme', repoId: '1', sha: 'a2', authorGithubId: 'ann', timestamp: at('2026-11-28') },
    { orgId: 'acme', repoId: '2', sha: 'b1', authorGithubId: 'bob', timestamp: at('2026-11-28') },
    { orgId: 'acme', repoId: '2', sha: 'b2', authorGithubId: 'bob', timestamp: at('2026-11-29') },
  ];
  const truths = countsOfCommits(rows, { namespace: '', ttlDays: 10 });
  const day = truths.get('org:acme:commits:2026-11-28:seen')!;
  const ann = 'org:acme:dev:ann:commits:2026-11-28';
  const bob = 'org:acme:dev:bob:commits:2026-11-28';

  it('builds the keys, members and expiry the count-once script writes', () => {
    expect([...truths.keys()]).toEqual([
      'org:acme:commits:2026-11-28:seen',
      'org:acme:commits:2026-11-29:seen',
    ]);
    expect(day.byKey).toEqual(
      new Map([
        [ann, new Set(['1:a1', '1:a2'])],
        [bob, new Set(['2:b1'])],
      ]),
    );
    expect(day.expireAt).toBe(Date.parse('2026-11-29T00:00:00Z') / 1000 + 10 * 86_400);
  });

  const exact = {
    seen: new Set(['1:a1', '1:a2', '2:b1']),
    values: new Map([
      [ann, 2],
      [bob, 1],
    ]),
  };
  it('finds no drift in exact counters', () => {
    expect(diffCounters(day, exact)).toEqual({ checked: 3, drifted: [], foreign: [] });
  });
  it('finds a counter missing, too high, and a seen member missing', () => {
    expect(
      diffCounters(day, {
        ...exact,
        values: new Map([
          [ann, null],
          [bob, 2],
        ]),
      }).drifted,
    ).toEqual([ann, bob]);
    expect(diffCounters(day, { ...exact, seen: new Set(['1:a1', '2:b1']) }).drifted).toEqual([
      day.seenKey,
    ]);
  });
  it('reports members no commit explains as foreign', () => {
    const d = diffCounters(day, { ...exact, seen: new Set([...exact.seen, '9:zz']) });
    expect(d).toEqual({ checked: 3, drifted: [day.seenKey], foreign: ['9:zz'] });
  });
});
