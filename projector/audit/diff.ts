import { isDeepStrictEqual } from 'node:util';
import type { MetricSnapshot } from '../../schemas/read-models.ts';
import { decodeSnapshot, type StoredMetricSnapshot } from '../../platform/snapshot-codec.ts';
import { snapshotId } from '../stores/snapshot-store.ts';

/** How stored snapshots differ from the ones recomputed from `commits`. */
export interface SnapshotDiff {
  /** Snapshots compared (expected or stored). */
  readonly checked: number;
  /** `_id`s expected but not stored. */
  readonly missing: string[];
  /** `_id`s stored with another value. */
  readonly changed: string[];
  /** `_id`s stored where the commits give no snapshot (the writer never deletes: reported only). */
  readonly extra: string[];
}

/**
 * Compares recomputed snapshots with stored ones (by `_id`, the natural key; `_id`
 * itself left out of the comparison, field order ignored). `stored` should hold only
 * documents of the same keys. Stored documents are compared decoded (a `dashboard_day`'s
 * JSON text, or the nested payload of one written before, parsed as is: exact, unknown
 * keys included); one that cannot be decoded differs. Pure.
 */
export function diffSnapshots(
  expected: readonly MetricSnapshot[],
  stored: readonly ((StoredMetricSnapshot | MetricSnapshot) & { _id?: unknown })[],
): SnapshotDiff {
  const want = new Map(expected.map((s) => [snapshotId(s), s]));
  const have = new Map(
    stored.map(({ _id, ...s }) => [
      typeof _id === 'string' ? _id : snapshotId(s),
      decodedOrAsRead(s),
    ]),
  );
  const missing: string[] = [];
  const changed: string[] = [];
  const extra: string[] = [];
  for (const [id, s] of want) {
    const got = have.get(id);
    if (!got) missing.push(id);
    else if (!isDeepStrictEqual(got, s)) changed.push(id);
  }
  for (const id of have.keys()) if (!want.has(id)) extra.push(id);
  return { checked: new Set([...want.keys(), ...have.keys()]).size, missing, changed, extra };
}

/** A stored snapshot decoded, or as read when it cannot be (it then differs from any expected one). */
function decodedOrAsRead(s: StoredMetricSnapshot | MetricSnapshot): unknown {
  try {
    return decodeSnapshot(s);
  } catch {
    return s;
  }
}

/** One org-day's counters as `commits` says they must be. */
export interface OrgDayCounts {
  /** The org-day's seen set. */
  readonly seenKey: string;
  /** Per developer counter key, the `repoId:sha` members counted under it. */
  readonly byKey: ReadonlyMap<string, ReadonlySet<string>>;
}

/** The same org-day as read from Redis. */
export interface RedisDayState {
  readonly seen: ReadonlySet<string>;
  /** Value of each key of `byKey` (null: missing). */
  readonly values: ReadonlyMap<string, number | null>;
}

export interface CounterDiff {
  /** Keys compared: each counter and the seen set. */
  readonly checked: number;
  /** Keys that differ (counters with another value, the seen set with other members). */
  readonly drifted: string[];
  /** Seen members no commit of `truth` explains (a commit stored after the read, or bogus). */
  readonly foreign: string[];
}

/**
 * Compares an org-day's Redis counters and seen set with `commits`. A counter must equal
 * the number of its developer's commits; the seen set must hold exactly the day's
 * commits. Members `commits` did not show are returned as `foreign` (the caller looks them
 * up: a commit stored since the read, or a member with no commit at all). Pure.
 */
export function diffCounters(truth: OrgDayCounts, redis: RedisDayState): CounterDiff {
  const drifted: string[] = [];
  const all = new Set<string>();
  for (const [key, members] of truth.byKey) {
    for (const m of members) all.add(m);
    if ((redis.values.get(key) ?? null) !== members.size) drifted.push(key);
  }
  const foreign = [...redis.seen].filter((m) => !all.has(m)).sort();
  const seenOk = foreign.length === 0 && [...all].every((m) => redis.seen.has(m));
  if (!seenOk) drifted.push(truth.seenKey);
  return { checked: truth.byKey.size + 1, drifted, foreign };
}
