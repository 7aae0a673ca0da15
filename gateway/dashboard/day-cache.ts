import type { DashboardDayPayload } from '../../schemas/read-models.ts';

/** A day as the dashboard uses it: its decoded rollup, or null for a day without commits. */
export type CachedDay = DashboardDayPayload | null;

/** Days whose last change is remembered; past this, the memory is dropped (see `changed`). */
const MAX_CHANGED_DAYS = 100_000;
/** What an entry for a day without commits is counted as. */
const EMPTY_DAY_BYTES = 64;

interface Entry {
  readonly version: number;
  readonly value: CachedDay;
  readonly bytes: number;
  readonly at: number;
}

export interface DayCacheOptions {
  /** Most bytes of rollup JSON kept; the least recently used days go first. */
  readonly maxBytes: number;
  /** A day read longer ago than this is read again, changed or not. */
  readonly ttlMs: number;
  readonly now?: () => number;
}

/**
 * The `dashboard_day`s this gateway read lately, decoded, per (org, UTC day), so a view's
 * refetch (the page refetches on every update) and other viewers of the org read from the
 * store only the days that changed. The live feed says which: every `COMMITS_UPDATED` names
 * its org and days ({@link changed}), so a kept day is dropped before the update's frame is
 * sent. A read that began before its day changed keeps nothing ({@link begin}): it may hold
 * the day as it was. Writers that publish no update (the audit's repairs, the recompute of
 * a dead batch's noted org-days) are seen after `ttlMs` at the latest. Entries carry the read-model version they came from; after a
 * replay's switch the other version's days are misses. Bounded by bytes, LRU.
 */
export class DayCache {
  readonly #entries = new Map<string, Entry>();
  /** org\0day → generation of its last change. */
  readonly #changedAt = new Map<string, number>();
  #gen = 0;
  /** Reads begun before this generation keep nothing (their days' changes were forgotten). */
  #floor = 0;
  #bytes = 0;
  readonly #o: Required<DayCacheOptions>;

  constructor(o: DayCacheOptions) {
    this.#o = { now: Date.now, ...o };
  }

  /** Bytes kept now. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Days kept now. */
  get size(): number {
    return this.#entries.size;
  }

  /** A ticket for a read about to start: pass it to {@link put} with what the read found. */
  begin(): number {
    return this.#gen;
  }

  /** The kept day of `version`, or undefined: read it from the store. */
  get(orgId: string, day: string, version: number): CachedDay | undefined {
    const key = keyOf(orgId, day);
    const e = this.#entries.get(key);
    if (!e) return undefined;
    if (e.version !== version || this.#o.now() - e.at > this.#o.ttlMs) {
      this.#drop(key, e);
      return undefined;
    }
    this.#entries.delete(key); // most recently used last
    this.#entries.set(key, e);
    return e.value;
  }

  /**
   * Keeps a day a read found (`bytes`: its stored JSON's length), unless the day changed
   * since the read's {@link begin} or it alone exceeds the bound.
   */
  put(
    orgId: string,
    day: string,
    version: number,
    value: CachedDay,
    bytes: number,
    ticket: number,
  ): void {
    if (ticket < this.#floor) return;
    const key = keyOf(orgId, day);
    if ((this.#changedAt.get(key) ?? -1) > ticket) return;
    const size = value === null ? EMPTY_DAY_BYTES : Math.max(bytes, EMPTY_DAY_BYTES);
    if (size > this.#o.maxBytes) return;
    const old = this.#entries.get(key);
    if (old) this.#drop(key, old);
    this.#entries.set(key, { version, value, bytes: size, at: this.#o.now() });
    this.#bytes += size;
    for (const [k, e] of this.#entries) {
      if (this.#bytes <= this.#o.maxBytes) break;
      this.#drop(k, e);
    }
  }

  /** An update named these days of the org: what is kept of them is stale. */
  changed(orgId: string, days: Iterable<string>): void {
    this.#gen++;
    for (const day of days) {
      const key = keyOf(orgId, day);
      const e = this.#entries.get(key);
      if (e) this.#drop(key, e);
      this.#changedAt.set(key, this.#gen);
    }
    if (this.#changedAt.size > MAX_CHANGED_DAYS) {
      // Forget which days changed when; reads in flight now cannot tell, so they keep nothing.
      this.#changedAt.clear();
      this.#floor = ++this.#gen;
    }
  }

  /** Drops everything, and what reads in flight would keep (the feed stopped or restarted). */
  clear(): void {
    this.#entries.clear();
    this.#changedAt.clear();
    this.#bytes = 0;
    this.#floor = ++this.#gen;
  }

  #drop(key: string, e: Entry): void {
    this.#entries.delete(key);
    this.#bytes -= e.bytes;
  }
}

function keyOf(orgId: string, day: string): string {
  return `${orgId}\u0000${day}`;
}
