import type { Redis } from 'ioredis';
import type { CounterItem } from '../projections/dev-day-counters.ts';

/**
 * For each (counter, seen set) key pair and (member, expireAt) argument pair: SADD the
 * member to the seen set and INCR the counter only when it was not there yet, so a
 * redelivery or a second projector never counts a commit twice; then EXPIREAT both.
 * Atomic per call (Lua), so concurrent projectors cannot interleave inside one item.
 */
const COUNT_DISTINCT = `
local added = 0
for i = 1, #KEYS, 2 do
  local counter, seen = KEYS[i], KEYS[i + 1]
  local member, at = ARGV[i], ARGV[i + 1]
  if redis.call('SADD', seen, member) == 1 then
    redis.call('INCR', counter)
    added = added + 1
  end
  redis.call('EXPIREAT', counter, at)
  redis.call('EXPIREAT', seen, at)
end
return added
`;

const COMMAND = 'teampulseCountDistinct';
/** Items per script call: bounds how long one call holds Redis. */
const CHUNK = 500;

type WithCommand = Redis & {
  [COMMAND](numKeys: number, ...args: (string | number)[]): Promise<number>;
};

/** The Redis day counters: one EVALSHA per 500 items, pipelined (ioredis loads the script on NOSCRIPT). */
export class CounterStore {
  readonly #redis: WithCommand;

  constructor(redis: Redis) {
    if (!(COMMAND in redis)) redis.defineCommand(COMMAND, { lua: COUNT_DISTINCT });
    this.#redis = redis as WithCommand;
  }

  /**
   * Applies the items; resolves how many were new. The chunks are sent without waiting
   * for each other (one pipelined round trip); each is atomic alone, as before, and a
   * retry after a partial failure counts nothing twice.
   */
  async apply(items: readonly CounterItem[]): Promise<number> {
    const calls: Promise<number>[] = [];
    for (let start = 0; start < items.length; start += CHUNK) {
      const chunk = items.slice(start, start + CHUNK);
      const keys: string[] = [];
      const args: (string | number)[] = [];
      for (const item of chunk) {
        keys.push(item.key, item.seenKey);
        args.push(item.member, item.expireAt);
      }
      calls.push(this.#redis[COMMAND](keys.length, ...keys, ...args));
    }
    const settled = await Promise.allSettled(calls);
    let added = 0;
    for (const r of settled) {
      if (r.status === 'rejected') throw r.reason;
      added += r.value;
    }
    return added;
  }
}
