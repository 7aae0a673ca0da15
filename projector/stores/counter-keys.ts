import type { Redis } from 'ioredis';
import type { ReadModelTarget } from '../../platform/read-model-target.ts';
import { dayCounterKeyPattern, isDevDayKey, withoutNamespace } from '../../schemas/redis-keys.ts';

/**
 * The target's day-counter keys, one SCAN page at a time, with the namespace stripped and
 * the `:seen` sets left out (they share the counters' SCAN pattern).
 */
export async function* counterKeyPages(
  redis: Redis,
  target: ReadModelTarget,
  count = 1000,
): AsyncGenerator<string[]> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(
      cursor,
      'MATCH',
      dayCounterKeyPattern(target.redisNamespace),
      'COUNT',
      count,
    );
    cursor = next;
    const keys = found.filter(isDevDayKey).map((k) => withoutNamespace(k, target.redisNamespace));
    if (keys.length > 0) yield keys;
  } while (cursor !== '0');
}
