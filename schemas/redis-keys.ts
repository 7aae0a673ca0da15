/**
 * Every Redis key TeamPulse writes, and the SCAN patterns that find them, in one place.
 *
 * Read-model keys live under a version's namespace (`''` for version 0, `vN:` for a
 * replay's version N), so a replay builds beside the live keys and dropping a version is
 * one pattern. Keys of a version:
 * - `<ns>org:<orgId>:dev:<devId>:commits:<YYYY-MM-DD>`: a developer's commit count on a day;
 * - `<ns>org:<orgId>:commits:<YYYY-MM-DD>:seen`: the `repoId:sha` already counted that day;
 * - `<ns>org:<orgId>:snapshots:gen`: the org's snapshot generation (cache validation);
 * - `<ns>lease:snapshots:<orgId>`: the 30 s lease of the org's snapshot writer, kept
 *   outside `org:*` so a replay does not copy it;
 * - `<ns>org:~redis-epoch:<mongo db>`: the Redis epoch of a version (a wiped Redis is
 *   noticed and its counters rebuilt); `<ns>lease:redis-rebuild`: the lease of that rebuild.
 * Keys of no version: `teampulse:projector:inflight:<streamSeq>` (suspect markers) and
 * `teampulse:replay:lock`.
 */

/** The Redis namespace of a read-model version. */
export function redisNamespace(version: number): string {
  return version === 0 ? '' : `v${version}:`;
}

/** A developer's commit count on a UTC day (`YYYY-MM-DD`). */
export function devDayKey(orgId: string, devId: string, day: string, namespace = ''): string {
  return `${namespace}org:${orgId}:dev:${devId}:commits:${day}`;
}

/**
 * The set of `repoId:sha` already counted on an org's day, by any developer. One set per
 * org-day, not per developer: a commit seen under two identities (a login live,
 * `email:…` from a backfill) is counted once, for the first, as the `commits` document is.
 */
export function orgDaySeenKey(orgId: string, day: string, namespace = ''): string {
  return `${namespace}org:${orgId}:commits:${day}${SEEN_SUFFIX}`;
}

/** An org's snapshot generation; among the version's `org:*` keys, so dropping a version drops it. */
export function snapshotGenKey(namespace: string, orgId: string): string {
  return `${namespace}org:${orgId}:snapshots:gen`;
}

/** The lease of an org's snapshot writer; short-lived, outside the `org:*` keys a replay copies. */
export function snapshotLeaseKey(namespace: string, orgId: string): string {
  return `${namespace}lease:snapshots:${orgId}`;
}

/**
 * The Redis epoch of a version. Among its `org:*` keys, so dropping a version drops it too
 * (`~` is in no org id, and the key matches no counter pattern); per MongoDB database, so
 * deployments (or test files) sharing one Redis do not overwrite each other's.
 */
export function redisEpochKey(namespace: string, mongoDb: string): string {
  return `${namespace}org:~redis-epoch:${mongoDb}`;
}

/** The lease of a version's Redis counter rebuild. */
export function redisRebuildLeaseKey(namespace: string): string {
  return `${namespace}lease:redis-rebuild`;
}

/** SCAN pattern of every key a version owns (counters, seen sets, generations). */
export function versionKeyPattern(namespace: string): string {
  return `${namespace}org:*`;
}

/** SCAN pattern of a version's day counters; it also matches the seen sets, see {@link isDevDayKey}. */
export function dayCounterKeyPattern(namespace: string): string {
  return `${namespace}org:*:commits:*`;
}

const SEEN_SUFFIX = ':seen';

/** True for a day-counter key found with {@link dayCounterKeyPattern} (not a seen set). */
export function isDevDayKey(key: string): boolean {
  return !key.endsWith(SEEN_SUFFIX);
}

/** A version's key from the key without namespace (inverse of {@link withoutNamespace}). */
export function inNamespace(key: string, namespace: string): string {
  return namespace + key;
}

/** A key of one version without its namespace (the same key in every version). */
export function withoutNamespace(key: string, namespace: string): string {
  if (!key.startsWith(namespace)) throw new RangeError(`${key} is not in namespace "${namespace}"`);
  return key.slice(namespace.length);
}

/** The in-flight mark of a log message (see `SuspectMarkers`). */
export function suspectMarkKey(streamSeq: number): string {
  return `teampulse:projector:inflight:${streamSeq}`;
}

/** The lease held by the one replay, rollback or cleanup running. */
export const REPLAY_LOCK_KEY = 'teampulse:replay:lock';

/** The lease of a version's continuous audit (per MongoDB database): one projector audits per interval. */
export function auditLeaseKey(namespace: string, mongoDb: string): string {
  return `${namespace}lease:audit:${mongoDb}`;
}
