import type { Redis } from 'ioredis';
import type { ReadModelTarget } from '../../platform/read-model-target.ts';

/**
 * The target's day-counter keys, one SCAN page at a time, with the namespace stripped and
 * the `:seen` sets left out (they share the `org:*:commits:*` pattern).
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
      `${target.redisNamespace}org:*:commits:*`,
      'COUNT',
      count,
    );
    cursor = next;
    const keys = found
      .filter((k) => !k.endsWith(':seen'))
      .map((k) => k.slice(target.redisNamespace.length));
    if (keys.length > 0) yield keys;
  } while (cursor !== '0');
}
