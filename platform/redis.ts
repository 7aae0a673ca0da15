import { Redis } from 'ioredis';
import type { Logger } from './logger.ts';

export type { Redis };

const RECONNECT_MAX_MS = 1000;

/** Connects to Redis; commands queue while it is away and fail after `commandTimeout`. */
export function connectRedis(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: name,
    lazyConnect: false,
    maxRetriesPerRequest: 2,
    commandTimeout: 5000,
    enableAutoPipelining: true,
    // Reconnect at once, then every 100 ms more, at most every second: a Redis that came
    // back is reached within ~1 s.
    retryStrategy: (times) => Math.min(times * 100, RECONNECT_MAX_MS),
  });
}

/**
 * Says in `logger` when Redis goes away (once, with the error and the reconnect pace) and
 * when it is back (with how long it was away), instead of one line per reconnect attempt.
 * Also the `error` listener ioredis needs (without one it prints every failed attempt).
 */
export function reportRedisState(redis: Redis, logger: Pick<Logger, 'warn' | 'info'>): void {
  let lostAt: number | undefined;
  redis.on('error', (err: Error) => {
    if (lostAt !== undefined) return;
    lostAt = Date.now();
    logger.warn(
      { server: 'redis', err: err.message, retryEveryMs: RECONNECT_MAX_MS },
      'Redis connection lost; reconnecting',
    );
  });
  redis.on('ready', () => {
    if (lostAt === undefined) return;
    logger.info({ server: 'redis', downMs: Date.now() - lostAt }, 'Redis connection back');
    lostAt = undefined;
  });
}
