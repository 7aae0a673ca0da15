import { describe, expect, it } from 'vitest';
import {
  dayCounterKeyPattern,
  devDayKey,
  inNamespace,
  isDevDayKey,
  orgDaySeenKey,
  redisEpochKey,
  redisRebuildLeaseKey,
  redisNamespace,
  snapshotGenKey,
  snapshotLeaseKey,
  suspectMarkKey,
  versionKeyPattern,
  withoutNamespace,
} from './redis-keys.ts';

/** Redis glob → RegExp, enough for the `*` patterns used here. */
const glob = (pattern: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

describe('redis keys', () => {
  it('redis keys - version 0 has no namespace; version N is vN:', () => {
    expect(redisNamespace(0)).toBe('');
    expect(redisNamespace(3)).toBe('v3:');
    expect(devDayKey('acme', 'alice', '2025-11-19', 'v3:')).toBe(
      'v3:org:acme:dev:alice:commits:2025-11-19',
    );
    expect(orgDaySeenKey('acme', '2025-11-19')).toBe('org:acme:commits:2025-11-19:seen');
  });

  it('redis keys - the SCAN patterns find the keys of their version only', () => {
    const ns = redisNamespace(2);
    const counter = devDayKey('acme', 'email:dee.dot@example.com', '2025-03-01', ns);
    const seen = orgDaySeenKey('acme', '2025-03-01', ns);
    const gen = snapshotGenKey(ns, 'acme');
    const lease = snapshotLeaseKey(ns, 'acme');
    const live = devDayKey('acme', 'alice', '2025-03-01');
    const epoch = redisEpochKey(ns, 'teampulse');
    const rebuild = redisRebuildLeaseKey(ns);
    expect(
      [counter, seen, gen, lease, live, epoch, rebuild].filter((k) =>
        glob(versionKeyPattern(ns)).test(k),
      ),
    ).toEqual([counter, seen, gen, epoch]);
    const counters = [counter, seen, gen, live, epoch].filter((k) =>
      glob(dayCounterKeyPattern(ns)).test(k),
    );
    expect(counters.filter(isDevDayKey)).toEqual([counter]);
  });

  it('redis keys - a key moves between namespaces and back unchanged', () => {
    const key = devDayKey('acme', 'alice', '2025-11-19', 'v1:');
    const bare = withoutNamespace(key, 'v1:');
    expect(bare).toBe(devDayKey('acme', 'alice', '2025-11-19'));
    expect(inNamespace(bare, 'v2:')).toBe(devDayKey('acme', 'alice', '2025-11-19', 'v2:'));
    expect(() => withoutNamespace(key, 'v2:')).toThrow(RangeError);
    expect(suspectMarkKey(17)).toBe('teampulse:projector:inflight:17');
  });
});
