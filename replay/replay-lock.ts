import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { REPLAY_LOCK_KEY as KEY } from '../schemas/redis-keys.ts';
import { ReplayError, ReplayErrorCode } from './errors.ts';

const LEASE_MS = 30_000;

// Renews or releases only a lease this holder still owns.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** A held lease; `release()` is safe to call twice. */
export interface ReplayLock {
  release(): Promise<void>;
}

/**
 * One replay, rollback or cleanup at a time: a Redis lease (SET NX PX) renewed every
 * 10 s while held, so a crashed holder frees it within 30 s. Throws a
 * {@link ReplayError} `replay_busy` when someone else holds it, naming the holder and
 * when its lease expires.
 */
export async function acquireReplayLock(redis: Redis, what: string): Promise<ReplayLock> {
  // The token names its holder, so whoever finds the lease taken learns who has it.
  const token = JSON.stringify({
    what,
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    id: randomUUID(),
  } satisfies LockHolder);
  const ok = await redis.set(KEY, token, 'PX', LEASE_MS, 'NX');
  if (ok !== 'OK') {
    const [holder, ttl] = await Promise.all([redis.get(KEY), redis.pttl(KEY)]);
    throw new ReplayError(ReplayErrorCode.busy, busyMessage(holder, ttl));
  }
  const timer = setInterval(() => {
    redis.eval(RENEW, 1, KEY, token, LEASE_MS).catch(() => undefined);
  }, LEASE_MS / 3);
  timer.unref();
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      await redis.eval(RELEASE, 1, KEY, token);
    },
  };
}

/** Who holds the lease, as its token says. */
interface LockHolder {
  what: string;
  pid: number;
  host: string;
  since: string;
  id: string;
}

/**
 * Names the holder and says when its lease frees by itself: a holder that died (killed,
 * crashed) stops renewing it, so the next try after that succeeds.
 */
export function busyMessage(token: string | null, ttlMs: number): string {
  let who = 'unknown holder';
  try {
    const h = JSON.parse(token ?? '') as Partial<LockHolder>;
    if (h.what)
      who = `${h.what} (pid ${h.pid ?? '?'} on ${h.host ?? '?'}, since ${h.since ?? '?'})`;
  } catch {
    // A token of an older version: its kind is before the first colon.
    if (token) who = token.split(':')[0]!;
  }
  const expires =
    ttlMs > 0
      ? `if that process is gone, its lease expires in ${Math.ceil(ttlMs / 1000)} s and the next try succeeds`
      : 'its lease is expiring now; try again';
  return `another replay, rollback or cleanup is running: ${who}; ${expires}`;
}
