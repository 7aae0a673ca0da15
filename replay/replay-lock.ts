import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ReplayError, ReplayErrorCode } from './errors.ts';

const KEY = 'teampulse:replay:lock';
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
 * {@link ReplayError} `replay_busy` when someone else holds it.
 */
export async function acquireReplayLock(redis: Redis, what: string): Promise<ReplayLock> {
  const token = `${what}:${randomUUID()}`;
  const ok = await redis.set(KEY, token, 'PX', LEASE_MS, 'NX');
  if (ok !== 'OK') {
    const holder = await redis.get(KEY);
    throw new ReplayError(
      ReplayErrorCode.busy,
      `another replay, rollback or cleanup is running (${holder?.split(':')[0] ?? 'unknown'}); try again when it ends`,
    );
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
