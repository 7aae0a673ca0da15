import { describe, expect, it } from 'vitest';
import { canonical, diffSorted, fieldDifferences, utf8Order } from './diff-tally.ts';
import { progressFigures, progressLine } from './progress-math.ts';
import { scopeFilters } from './scope.ts';
import { unfinished, type VersionRecord } from './version-registry.ts';

async function* from<T>(items: T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

describe('replay parts', () => {
  it('replay - diffSorted counts added, removed and changed documents of two sorted streams', async () => {
    const doc = (k: string, v: number) => ({ k, v, _id: Math.random() });
    const d = await diffSorted(
      from([doc('a', 1), doc('b', 2), doc('d', 4)]),
      from([doc('b', 2), doc('c', 3), doc('d', 5), doc('e', 6)]),
      (x) => x.k,
      utf8Order,
    );
    expect(d).toMatchObject({ added: 2, removed: 1, changed: 1 });
    expect(d.examples).toHaveLength(3);
    expect(d.examples).toContainEqual({
      kind: 'removed',
      key: 'a',
      current: expect.objectContaining({ k: 'a' }),
    });
  });

  it('replay - canonical form ignores _id and key order, compares dates by instant', () => {
    expect(canonical({ b: 1, a: new Date('2026-01-01T00:00:00Z'), _id: 'x' })).toBe(
      canonical({ a: new Date('2026-01-01T00:00:00.000Z'), b: 1, _id: 'y' }),
    );
    expect(fieldDifferences({ a: [1, 2], b: 1 }, { a: [2, 1], b: 1 })).toEqual([
      { field: 'a', current: [1, 2], rebuilt: [2, 1] },
    ]);
  });

  it('replay - utf8Order sorts like MongoDB (bytes), and a NUL joint keeps tuple order', () => {
    expect(utf8Order('a\u0000x', 'ab\u0000y')).toBeLessThan(0);
    expect(utf8Order('\uffff', '\u{1f600}')).toBeLessThan(0); // UTF-16 order would say the opposite
  });

  it('replay - scope filters: whole log, one repo, an org with the owners mapped to it', () => {
    expect(scopeFilters({})).toEqual(['github.push.>']);
    expect(scopeFilters({ repo: 'Acme/socket.io' })).toEqual(['github.push.acme.socket%2Eio']);
    expect(scopeFilters({ org: 'acme' }, { 'acme-labs': 'Acme', other: 'x' })).toEqual([
      'github.push.acme.*',
      'github.push.acme-labs.*',
    ]);
    expect(() => scopeFilters({ repo: 'nope' })).toThrow(/owner\/name/);
    expect(() => scopeFilters({ org: 'a', repo: 'a/b' })).toThrow(/cannot go together/);
  });

  it('replay - progress figures: rate, ETA and share from sequences', () => {
    const r = {
      phase: 'rebuild',
      startSeq: 100,
      position: 600,
      lastSeq: 1100,
      events: 400,
      commits: 900,
      elapsedMs: 2000,
    };
    expect(progressFigures(r)).toEqual({ rate: 200, etaS: 2, ratio: 0.5 });
    expect(progressLine(r)).toBe(
      'replay rebuild: seq 600/1100 (50.0%), 400 events, 900 new commits, 200 events/s, ETA 2s',
    );
    expect(progressFigures({ ...r, position: 100, elapsedMs: 0 }).etaS).toBeUndefined();
  });

  it('replay - unfinished versions are the building and seeding ones other than the live one', () => {
    const v = (id: number, state: VersionRecord['state']) => ({
      _id: id,
      state,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    const records = [
      v(0, 'standby'),
      v(1, 'building'),
      v(2, 'seeding'),
      v(3, 'live'),
      v(4, 'dry-run'),
    ];
    expect(unfinished(records, 3).map((r) => r._id)).toEqual([1, 2]);
  });
});
