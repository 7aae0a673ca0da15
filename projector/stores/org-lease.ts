import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { TransientError } from '../errors.ts';

/** SET NX PX every key, or none: all-or-nothing, so two holders of overlapping sets cannot deadlock. */
const ACQUIRE = `
for i = 1, #KEYS do
  if redis.call('EXISTS', KEYS[i]) == 1 then return 0 end
end
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], ARGV[1], 'PX', ARGV[2])
end
return 1
`;

/** Deletes the keys still holding this token; resolves how many did (fewer: the lease expired). */
const RELEASE = `
local held = 0
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then
    redis.call('DEL', KEYS[i])
    held = held + 1
  end
end
return held
`;

/** Extends the keys still holding this token; resolves how many did. */
const EXTEND = `
local held = 0
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then
    redis.call('PEXPIRE', KEYS[i], ARGV[2])
    held = held + 1
  end
end
return held
`;

const ACQUIRE_CMD = 'teampulseLeaseAcquire';
const EXTEND_CMD = 'teampulseLeaseExtend';
const RELEASE_CMD = 'teampulseLeaseRelease';

type WithCommands = Redis & {
  [ACQUIRE_CMD](numKeys: number, ...args: (string | number)[]): Promise<number>;
  [RELEASE_CMD](numKeys: number, ...args: (string | number)[]): Promise<number>;
  [EXTEND_CMD](numKeys: number, ...args: (string | number)[]): Promise<number>;
};

export interface LeaseOptions {
  /** How long a lease lives if its holder never releases it (crash). */
  readonly ttlMs: number;
  /** How long to wait for a lease before giving up with a transient error. */
  readonly waitMs: number;
  /** Told while a lease is awaited: after 1 s, then every 5 s (so every wait is logged). */
  readonly onWait?: ((keys: readonly string[], waitedMs: number) => void) | undefined;
}

// 5 s: a lease whose holder died (SIGKILL) blocks the others at most this long. A live
// holder renews it every third of that, so only a holder stalled for 5 s loses it (and
// runs again: see the class).
const DEFAULTS: LeaseOptions = { ttlMs: 5000, waitMs: 60_000 };
const FIRST_WAIT_REPORT_MS = 1000;
const WAIT_REPORT_EVERY_MS = 5000;

/**
 * Short exclusive leases on a set of Redis keys (one script call to take all, one to
 * renew them while held, one to give them back). `run(keys, fn)` runs `fn` while holding
 * all of them, and runs it again if the lease expired before `fn` was done (a holder that
 * stalled past a whole lease life): so the last run of `fn` for a key always started
 * after every earlier run ended, whatever the timing. `fn` must be idempotent.
 *
 * Why not a library: redlock, the common one, is a 2022 beta aimed at several
 * independent Redis servers; one server and these three short scripts is all we need.
 */
export class Leases {
  readonly #redis: WithCommands;
  readonly #opts: LeaseOptions;

  constructor(redis: Redis, opts: Partial<LeaseOptions> = {}) {
    if (!(ACQUIRE_CMD in redis)) redis.defineCommand(ACQUIRE_CMD, { lua: ACQUIRE });
    if (!(RELEASE_CMD in redis)) redis.defineCommand(RELEASE_CMD, { lua: RELEASE });
    if (!(EXTEND_CMD in redis)) redis.defineCommand(EXTEND_CMD, { lua: EXTEND });
    this.#redis = redis as WithCommands;
    this.#opts = { ...DEFAULTS, ...opts };
  }

  /**
   * Runs `fn` holding the leases of `keys` (Redis keys); see the class. `fn` gets the
   * attempt number: above 0, an earlier attempt lost its lease midway.
   */
  async run<T>(keys: Iterable<string>, fn: (attempt: number) => Promise<T>): Promise<T> {
    const sorted = [...new Set(keys)].sort();
    if (sorted.length === 0) return fn(0);
    for (let attempt = 0; ; attempt++) {
      const token = await this.#acquire(sorted);
      // Renewed every third of its life while fn runs, so a long fn (a rebuild's flush)
      // keeps it; a holder that stalls longer than a whole life loses it and reruns.
      const renew = setInterval(() => void this.#extend(sorted, token), this.#opts.ttlMs / 3);
      let result: T;
      try {
        result = await fn(attempt);
      } catch (err) {
        await this.#release(sorted, token).catch(() => undefined);
        throw err;
      } finally {
        clearInterval(renew);
      }
      if ((await this.#release(sorted, token)) === sorted.length) return result;
      // The lease ran out while fn ran: another holder may have run fn alongside. Run again.
    }
  }

  async #extend(keys: string[], token: string): Promise<void> {
    await this.#redis[EXTEND_CMD](keys.length, ...keys, token, this.#opts.ttlMs).catch(
      () => undefined, // a renewal that did not get through shows as a lost lease at release
    );
  }

  #release(keys: string[], token: string): Promise<number> {
    return this.#redis[RELEASE_CMD](keys.length, ...keys, token);
  }

  async #acquire(keys: string[]): Promise<string> {
    const token = randomUUID();
    const started = Date.now();
    const deadline = started + this.#opts.waitMs;
    let reportAt = started + FIRST_WAIT_REPORT_MS;
    for (let attempt = 0; ; attempt++) {
      const ok = await this.#redis[ACQUIRE_CMD](keys.length, ...keys, token, this.#opts.ttlMs);
      if (ok === 1) return token;
      if (Date.now() >= reportAt) {
        this.#opts.onWait?.(keys, Date.now() - started);
        reportAt = Date.now() + WAIT_REPORT_EVERY_MS;
      }
      if (Date.now() >= deadline)
        throw new TransientError(
          `lease on ${keys.join(', ')} not free after ${this.#opts.waitMs} ms`,
        );
      // 2, 4, 8 … 64 ms with jitter: holders keep a lease for one recompute (milliseconds).
      await sleep(Math.min(64, 2 ** (attempt + 1)) * (0.5 + Math.random()));
    }
  }
}
