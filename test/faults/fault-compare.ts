/** The fault suite's verdict: the stored read models against the corpus's expected ones. */
import type { ReadModels } from '../../projector/testing/mod.ts';
import type { ExpectedModel } from '../support/fault-corpus.ts';

/** Lost, doubled and drifted entries of one read model (all 0 when it is exact). */
export interface ModelDiff {
  readonly expected: number;
  readonly stored: number;
  /** Expected but missing (or counted short). */
  readonly lost: number;
  /** Stored twice (or counted over). */
  readonly doubled: number;
  /** Stored but different, or stored and not expected at all. */
  readonly drift: number;
}

/** The diff of each read model, and of the log (each delivery id once). */
export interface Verdict {
  readonly log: ModelDiff;
  readonly commits: ModelDiff;
  readonly counters: ModelDiff;
  readonly snapshots: ModelDiff;
}

/** True when nothing was lost, doubled or drifted anywhere. */
export function exact(v: Verdict): boolean {
  return Object.values(v).every((d: ModelDiff) => d.lost + d.doubled + d.drift === 0);
}

/**
 * Compares `stored` with `want` (commits and counters: computed from the corpus alone) and
 * with `reference` (snapshots and whole commit documents: the in-memory projection).
 */
export function compareModels(
  stored: ReadModels,
  want: ExpectedModel,
  reference: ReadModels,
  log: { readonly deliveries: number; readonly messages: number },
): Verdict {
  const keys = stored.commits.map((c) => `${c.repoId}:${c.sha}`);
  const have = new Set(keys);
  const refDocs = new Map(
    reference.commits.map((c) => [`${c.repoId}:${c.sha}`, JSON.stringify(c)]),
  );
  const commits: ModelDiff = {
    expected: want.commits.size,
    stored: keys.length,
    lost: [...want.commits].filter((k) => !have.has(k)).length,
    doubled: keys.length - have.size,
    drift:
      keys.filter((k) => !want.commits.has(k)).length +
      stored.commits.filter((c) => {
        const ref = refDocs.get(`${c.repoId}:${c.sha}`);
        return ref !== undefined && ref !== JSON.stringify(c);
      }).length,
  };

  let lost = 0;
  let doubled = 0;
  let drift = 0;
  for (const [key, n] of Object.entries(want.counters)) {
    const got = stored.counters[key] ?? 0;
    if (got < n) lost++;
    if (got > n) doubled++;
  }
  for (const key of Object.keys(stored.counters)) if (!(key in want.counters)) drift++;
  const counters: ModelDiff = {
    expected: Object.keys(want.counters).length,
    stored: Object.keys(stored.counters).length,
    lost,
    doubled,
    drift,
  };

  const snapKey = (s: ReadModels['snapshots'][number]) =>
    `${s.orgId}|${s.repoId}|${s.metricName}|${s.timeframeStart.toISOString()}`;
  const refSnaps = new Map(reference.snapshots.map((s) => [snapKey(s), JSON.stringify(s)]));
  const storedKeys = stored.snapshots.map(snapKey);
  const storedSet = new Set(storedKeys);
  const snapshots: ModelDiff = {
    expected: refSnaps.size,
    stored: storedKeys.length,
    lost: [...refSnaps.keys()].filter((k) => !storedSet.has(k)).length,
    doubled: storedKeys.length - storedSet.size,
    drift: stored.snapshots.filter((s) => refSnaps.get(snapKey(s)) !== JSON.stringify(s)).length,
  };

  const logDiff: ModelDiff = {
    expected: log.deliveries,
    stored: log.messages,
    lost: Math.max(0, log.deliveries - log.messages),
    doubled: Math.max(0, log.messages - log.deliveries),
    drift: 0,
  };
  return { log: logDiff, commits, counters, snapshots };
}
