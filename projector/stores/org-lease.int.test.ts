import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, type Redis } from '../../platform/redis.ts';
import { useServers, type TestServers } from '../../test/support/servers.ts';
import { TransientError } from '../errors.ts';
import { Leases } from './org-lease.ts';

let servers: TestServers;
let redis: Redis;

beforeAll(async () => {
  servers = await useServers({ nats: false, mongo: false });
  redis = connectRedis(servers.redisUrl, 'lease-test');
});
afterAll(async () => {
  redis?.disconnect();
  await servers?.stop();
});

describe('leases', () => {
  it('runs holding overlapping key sets never overlap, and all of them run', async () => {
    const leases = new Leases(redis);
    const active = new Map<string, number>();
    let maxActive = 0;
    const sets = [['a', 'b'], ['b', 'c'], ['c', 'a'], ['d']];
    const runs = Array.from({ length: 24 }, (_, i) => {
      const keys = sets[i % sets.length]!;
      return leases.run(keys, async () => {
        for (const k of keys) {
          active.set(k, (active.get(k) ?? 0) + 1);
          maxActive = Math.max(maxActive, active.get(k)!);
        }
        await sleep(3);
        for (const k of keys) active.set(k, active.get(k)! - 1);
        return i;
      });
    });
    expect(await Promise.all(runs)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    expect(maxActive).toBe(1);
    expect(await redis.exists('a', 'b', 'c', 'd')).toBe(0);
  });

  it('keeps a lease while fn runs; runs fn again when its holder stalled past the lease', async () => {
    const leases = new Leases(redis, { ttlMs: 60 });
    let longCalls = 0;
    const long = leases.run(['long'], async () => {
      longCalls++;
      await sleep(200); // renewed meanwhile: nobody else gets in
      return 'long';
    });
    await sleep(20);
    expect(await redis.pttl('long')).toBeGreaterThan(0);
    const waited = await leases.run(['long'], () => Promise.resolve(longCalls));
    expect(await long).toBe('long');
    expect(waited).toBe(1);
    expect(longCalls).toBe(1);

    let slowCalls = 0;
    const slow = leases.run(['k'], async () => {
      slowCalls++;
      if (slowCalls === 1) {
        // A stall that renewal cannot cover (the event loop is blocked past the lease)…
        const until = Date.now() + 150;
        while (Date.now() < until);
        await sleep(100);
      }
      return 'slow';
    });
    await sleep(20); // …lets another holder in while the stalled one still runs
    const fast = await leases.run(['k'], () => Promise.resolve('fast'));
    expect(fast).toBe('fast');
    expect(await slow).toBe('slow');
    expect(slowCalls).toBe(2);
  });

  it('gives up with a transient error when the lease stays taken; a throwing fn frees it', async () => {
    const holder = new Leases(redis);
    const waiter = new Leases(redis, { waitMs: 50 });
    let release!: () => void;
    const held = holder.run(['busy'], () => new Promise<void>((r) => (release = r)));
    await sleep(10);
    await expect(waiter.run(['busy'], () => Promise.resolve(1))).rejects.toBeInstanceOf(
      TransientError,
    );
    release();
    await held;
    await expect(
      holder.run(['busy'], () => Promise.reject(new Error('projection bug'))),
    ).rejects.toThrow('projection bug');
    expect(await waiter.run(['busy'], () => Promise.resolve(2))).toBe(2);
  });
});
