import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeSha, type FakePush } from '../../platform/github/push-payload.ts';
import { connectMongo, type MongoHandle } from '../../platform/mongo.ts';
import { targetFor } from '../../platform/read-model-target.ts';
import { connectRedis, type Redis } from '../../platform/redis.ts';
import type { CommitsUpdated } from '../../schemas/updates.ts';
import { useServers, type TestServers } from '../../test/support/servers.ts';
import { projectInMemory } from '../projections/in-memory-read-models.ts';
import type { CounterItem } from '../projections/dev-day-counters.ts';
import type { ProjectorEvent } from '../projections/push-received.ts';
import { CounterStore } from '../stores/counter-store.ts';
import { readStoredModels } from '../stores/read-stored-models.ts';
import { SnapshotWriter } from '../stores/snapshot-writer.ts';
import { pushReceived } from '../testing/events.ts';
import { BatchApplication, type SnapshotSink, type UpdateSink } from './apply-batch.ts';

// The batch's last writes run side by side (counters with snapshots; the note, checkpoint
// and every update at once): these tests pin that they really overlap, and that a retry
// after a partial failure redoes only what failed and leaves the read models exact.

let servers: TestServers;
let mongo: MongoHandle;
let redis: Redis;

beforeAll(async () => {
  servers = await useServers({ nats: false });
  mongo = await connectMongo(servers.mongoUrl, servers.mongoDbName);
  redis = connectRedis(servers.redisUrl, 'apply-batch-test');
});
afterAll(async () => {
  redis?.disconnect();
  await mongo?.close();
  await servers?.stop();
});

// Recent days: counters expire `ttlDays` after their day.
const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
let n = 0;
function push(repo: number, authors: string[]): ProjectorEvent {
  const p: FakePush = {
    owner: 'acme',
    repo: `r${repo}`,
    repoId: repo,
    commits: authors.map((author, j) => ({
      author,
      timestamp: new Date(today - (j % 2) * 86_400_000 + 60_000 * j).toISOString(),
      sha: fakeSha(`apply-${n++}`),
      files: { modified: [`m${j % 3}/x.ts`] },
    })),
  };
  return pushReceived(p);
}

/** Counters that fail their first `failures` calls (after the script really ran, the worst case). */
class FlakyCounters extends CounterStore {
  calls = 0;
  failures: number;
  constructor(failures: number) {
    super(redis);
    this.failures = failures;
  }
  override async apply(items: readonly CounterItem[]): Promise<number> {
    this.calls++;
    const added = await super.apply(items);
    if (this.failures-- > 0) throw new Error('counter reply lost');
    return added;
  }
}

/** Records publishes; fails the first try of the repos in `failOnce`; resolves each a tick later. */
function recordingUpdates(failOnce: Set<string> = new Set()) {
  const calls: string[] = [];
  let inflight = 0;
  let maxInflight = 0;
  const sink: UpdateSink = {
    async publish(update: CommitsUpdated) {
      calls.push(update.repoId);
      maxInflight = Math.max(maxInflight, ++inflight);
      await new Promise((r) => setTimeout(r, 20));
      inflight--;
      if (failOnce.delete(update.repoId)) throw new Error(`publish of ${update.repoId} failed`);
    },
  };
  return { sink, calls, maxInflight: () => maxInflight };
}

function countingSnapshots(writer: SnapshotWriter) {
  const counts = { writes: 0, finished: 0 };
  const sink: SnapshotSink = {
    due: (t, plan, token) => writer.due(t, plan, token),
    done: (t, token) => writer.done(t, token),
    write: async (t, plan, added) => {
      counts.writes++;
      const written = await writer.write(t, plan, added);
      counts.finished++;
      return written;
    },
  };
  return { sink, counts };
}

async function stored(version: number) {
  const target = targetFor(version);
  const models = await readStoredModels(mongo.db, redis, target);
  const counters = Object.fromEntries(
    Object.entries(models.counters).map(([k, v]) => [k.slice(target.redisNamespace.length), v]),
  );
  return { snapshots: models.snapshots, counters };
}

function expected(events: ProjectorEvent[]) {
  const models = projectInMemory(events);
  return { snapshots: models.snapshots, counters: models.counters };
}

describe('apply batch', () => {
  it('apply batch - every update of a batch is published before the first ack is back', async () => {
    const target = targetFor(11);
    const updates = recordingUpdates();
    const writer = new SnapshotWriter(mongo.db, redis);
    const events = [push(1, ['ann']), push(2, ['bob']), push(3, ['cy', 'dee']), push(4, ['ed'])];
    const deps = { db: mongo.db, counters: new CounterStore(redis), mappings: {}, ttlDays: 30 };
    const sinks = { snapshots: writer, updates: updates.sink, checkpoint: 'test' };
    const result = await new BatchApplication(deps, sinks, target, events).run();
    expect(result.updates.map((u) => u.repoId).sort()).toEqual(['1', '2', '3', '4']);
    expect(updates.calls.sort()).toEqual(['1', '2', '3', '4']);
    expect(updates.maxInflight()).toBe(4);
    expect(await stored(11)).toEqual(expected(events));
  });

  it('apply batch - a publish that fails is the only one tried again; models exact, snapshots written once', async () => {
    const target = targetFor(12);
    const updates = recordingUpdates(new Set(['2']));
    const snaps = countingSnapshots(new SnapshotWriter(mongo.db, redis));
    const events = [push(1, ['ann', 'bob']), push(2, ['bob']), push(3, ['cy'])];
    const deps = { db: mongo.db, counters: new CounterStore(redis), mappings: {}, ttlDays: 30 };
    const sinks = { snapshots: snaps.sink, updates: updates.sink, checkpoint: 'test' };
    const app = new BatchApplication(deps, sinks, target, events);
    await expect(app.run()).rejects.toThrow('publish of 2 failed');
    const result = await app.run(); // the guard's retry
    expect(updates.calls.sort()).toEqual(['1', '2', '2', '3']);
    expect(snaps.counts.writes).toBe(1);
    // The retry still announces the commits the first attempt inserted as new.
    expect(result.updates.find((u) => u.repoId === '2')?.payload.commitCount).toBe(1);
    expect(await stored(12)).toEqual(expected(events));
  });

  it('apply batch - counters failing beside a snapshot write: the retry waits for it, redoes only the counters, counts nothing twice', async () => {
    const target = targetFor(13);
    const counters = new FlakyCounters(1);
    const snaps = countingSnapshots(new SnapshotWriter(mongo.db, redis));
    const events = [push(5, ['ann', 'bob', 'ann']), push(6, ['cy'])];
    const deps = { db: mongo.db, counters, mappings: {}, ttlDays: 30 };
    const sinks = { snapshots: snaps.sink, updates: recordingUpdates().sink, checkpoint: 'test' };
    const app = new BatchApplication(deps, sinks, target, events);
    await expect(app.run()).rejects.toThrow('counter reply lost');
    // run() ended only after the snapshot write beside the counters had ended.
    expect(snaps.counts).toEqual({ writes: 1, finished: 1 });
    await app.run();
    expect(counters.calls).toBe(2);
    expect(snaps.counts.writes).toBe(1);
    expect(await stored(13)).toEqual(expected(events));
  });
});
