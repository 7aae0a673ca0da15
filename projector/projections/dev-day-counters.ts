import type { CommitDoc } from '../../schemas/read-models.ts';
import { devDayKey, orgDaySeenKey } from '../../schemas/redis-keys.ts';
import { commitKey } from './commit-doc.ts';
import { dayEnd, utcDay } from '../../schemas/utc-day.ts';

/** One counter update: add `member` to `seenKey`, and count it under `key` if it was new. */
export interface CounterItem {
  readonly key: string;
  readonly seenKey: string;
  /** `<repoId>:<sha>` */
  readonly member: string;
  /** Unix seconds at which both keys expire: the end of the day plus the TTL. */
  readonly expireAt: number;
}

export interface CounterOptions {
  /** Read-model target namespace (`''` live, `vN:` for a rebuild). */
  readonly namespace: string;
  readonly ttlDays: number;
}

/**
 * The Redis counter updates of commit documents. The expiry hangs on the commit's day,
 * not on the time of writing, so a replay yields the same keys with the same expiry as
 * live processing did. Pure.
 */
export function counterItemsOf(docs: Iterable<CommitDoc>, opts: CounterOptions): CounterItem[] {
  const items: CounterItem[] = [];
  for (const doc of docs) {
    const day = utcDay(doc.timestamp);
    items.push({
      key: devDayKey(doc.orgId, doc.authorGithubId, day, opts.namespace),
      seenKey: orgDaySeenKey(doc.orgId, day, opts.namespace),
      member: commitKey(doc),
      expireAt: Math.floor(dayEnd(day).getTime() / 1000) + opts.ttlDays * 86_400,
    });
  }
  return items;
}

/** The counters as the read model defines them: distinct (repoId, sha) per key. Pure. */
export function countersOf(docs: Iterable<CommitDoc>, namespace = ''): Map<string, number> {
  const seen = new Map<string, Set<string>>();
  for (const doc of docs) {
    const key = devDayKey(doc.orgId, doc.authorGithubId, utcDay(doc.timestamp), namespace);
    let set = seen.get(key);
    if (!set) seen.set(key, (set = new Set()));
    set.add(commitKey(doc));
  }
  return new Map([...seen].map(([key, set]) => [key, set.size]));
}
