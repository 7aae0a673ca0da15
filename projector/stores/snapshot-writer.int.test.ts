import { inflateRawSync } from 'node:zlib';
import type { Binary } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeSha, type FakePush } from '../../platform/github/push-payload.ts';
import { connectMongo, type MongoHandle } from '../../platform/mongo.ts';
import { targetFor } from '../../platform/read-model-target.ts';
import { connectRedis, type Redis } from '../../platform/redis.ts';
import { useServers, type TestServers } from '../../test/support/servers.ts';
import { planBatch } from '../projections/batch-plan.ts';
import { projectInMemory } from '../projections/in-memory-read-models.ts';
import type { ProjectorEvent } from '../projections/push-received.ts';
import { pushReceived } from '../testing/events.ts';
import { BatchApplication, noUpdates, type SnapshotSink } from '../batch/apply-batch.ts';
import { upsertCommits } from './commit-store.ts';
import { CounterStore } from './counter-store.ts';
import { readStoredModels } from './read-stored-models.ts';
import { snapshotId } from './snapshot-store.ts';
import { SnapshotWriter } from './snapshot-writer.ts';

let servers: TestServers;
let mongo: MongoHandle;
let redis: Redis;

beforeAll(async () => {
  servers = await useServers({ nats: false });
  mongo = await connectMongo(servers.mongoUrl, servers.mongoDbName);
  redis = connectRedis(servers.redisUrl, 'snapshot-writer-test');
});
afterAll(async () => {
  redis?.disconnect();
  await mongo?.close();
  await servers?.stop();
});

let n = 0;
function push(day: number, authors: string[]): ProjectorEvent {
  const p: FakePush = {
    owner: 'acme',
    repo: 'web',
    repoId: 42,
    commits: authors.map((author, j) => ({
      author,
      timestamp: new Date(Date.UTC(2026, 4, day, 9, j)).toISOString(),
      sha: fakeSha(`writer-${n++}`),
      files: { modified: [`m${j % 3}/x.ts`] },
    })),
  };
  return pushReceived(p);
}

/** What the projector does for a batch: store the commits, then the snapshots. */
async function apply(writer: SnapshotWriter, version: number, events: ProjectorEvent[]) {
  const target = targetFor(version);
  const plan = planBatch(events, { mappings: {}, namespace: target.redisNamespace, ttlDays: 30 });
  await upsertCommits(mongo.db, target, plan.commits);
  await writer.write(target, plan, plan.commits);
}

async function storedSnapshots(version: number) {
  return (await readStoredModels(mongo.db, redis, targetFor(version))).snapshots;
}

describe('snapshot writer', () => {
  it('snapshot writer - a dashboard_day is stored deflated, replacing a day of the nested form of before', async () => {
    const events = [push(3, ['alice', 'bob'])];
    const [day] = projectInMemory(events).snapshots.filter((s) => s.metricName === 'dashboard_day');
    const days = mongo.db.collection<{ _id: string }>(targetFor(7).snapshots);
    await days.insertOne({ ...day!, _id: snapshotId(day!) }); // nested, as written before
    await apply(new SnapshotWriter(mongo.db, redis), 7, events);
    const raw = await days.findOne({ _id: snapshotId(day!) });
    expect(raw).not.toHaveProperty('payload');
    const stored = (raw as unknown as { payloadDeflated: Binary }).payloadDeflated;
    expect(JSON.parse(inflateRawSync(stored.buffer).toString())).toEqual(day!.payload);
    expect(await storedSnapshots(7)).toEqual(projectInMemory(events).snapshots);
    // A rebuild's inserts (replay) store the same text.
    const target = targetFor(8);
    const plan = planBatch(events, { mappings: {}, namespace: target.redisNamespace, ttlDays: 30 });
    await upsertCommits(mongo.db, target, plan.commits);
    await new SnapshotWriter(mongo.db, redis).writeFromScan(target, plan);
    const rebuilt = await mongo.db
      .collection<{ _id: string }>(target.snapshots)
      .findOne({ _id: snapshotId(day!) });
    expect(rebuilt).toEqual({ ...raw });
  });

  it('snapshot writer - two processes taking turns on one org: every write sees the other’s commits', async () => {
    // Two writers are two processes: each keeps its own tallies between batches.
    const a = new SnapshotWriter(mongo.db, redis);
    const b = new SnapshotWriter(mongo.db, redis);
    const events = [
      push(3, ['alice', 'bob']),
      push(3, ['carol']),
      push(4, ['alice']),
      push(3, ['bob', 'bob']),
      push(9, ['dave']),
    ];
    await apply(a, 1, [events[0]!]); // a reads and keeps its tally
    await apply(b, 1, [events[1]!]); // b writes in between: a's tally is out of date
    await apply(a, 1, [events[2]!]); // must read again, or carol is missing
    await apply(a, 1, [events[3]!]); // a's own last write: its tally is current
    await apply(b, 1, [events[4]!]);
    expect(await storedSnapshots(1)).toEqual(projectInMemory(events).snapshots);
  });

  it('snapshot writer - commits stored earlier but never recomputed are counted once, without reading back', async () => {
    const writer = new SnapshotWriter(mongo.db, redis);
    const first = push(5, ['alice']);
    const crashed = push(5, ['bob', 'carol']);
    const more = push(6, ['bob']);
    await apply(writer, 2, [first]);
    expect(writer.commitReads).toBe(1);
    // A process stored these commits, then died before its snapshot step…
    const target = targetFor(2);
    const plan = planBatch([crashed], { mappings: {}, namespace: '', ttlDays: 30 });
    await upsertCommits(mongo.db, target, plan.commits);
    // …and the redeliveries land here, one at a time: the kept tally has not counted them,
    // so it adds them; what it counted already (`first` again) it does not count twice.
    await apply(writer, 2, [crashed]);
    await apply(writer, 2, [first]);
    await apply(writer, 2, [crashed, more]);
    expect(writer.commitReads).toBe(1);
    expect(await storedSnapshots(2)).toEqual(projectInMemory([first, crashed, more]).snapshots);
  });

  it('snapshot writer - kept tallies give the same snapshots as reading every batch', async () => {
    const cached = new SnapshotWriter(mongo.db, redis);
    const uncached = new SnapshotWriter(mongo.db, redis, { cache: false });
    const events = Array.from({ length: 30 }, (_, i) =>
      push(1 + ((i * 5) % 20), [`dev${i % 4}`, `dev${(i + 1) % 5}`]),
    );
    for (let i = 0; i < events.length; i += 3) {
      await apply(cached, 3, events.slice(i, i + 3));
      await apply(uncached, 4, events.slice(i, i + 3));
    }
    const expected = projectInMemory(events).snapshots;
    expect(await storedSnapshots(3)).toEqual(expected);
    expect(await storedSnapshots(4)).toEqual(expected);
  });

  it('snapshot writer - a wiped generation key (Redis flushed) invalidates kept tallies', async () => {
    const writer = new SnapshotWriter(mongo.db, redis);
    const first = push(12, ['alice']);
    const elsewhere = push(12, ['bob']);
    const next = push(12, ['carol']);
    await apply(writer, 5, [first]); // keeps its tally, generation set
    // Commits another process stored (and will recompute), then Redis lost everything.
    await upsertCommits(
      mongo.db,
      targetFor(5),
      planBatch([elsewhere], { mappings: {}, namespace: '', ttlDays: 30 }).commits,
    );
    await redis.flushall();
    await apply(writer, 5, [next]); // no generation to match: reads the commits again
    expect(await storedSnapshots(5)).toEqual(projectInMemory([first, elsewhere, next]).snapshots);
  });

  it('snapshot writer - a batch that stored its commits and failed after leaves a note that a drain recomputes', async () => {
    const writer = new SnapshotWriter(mongo.db, redis);
    const target = targetFor(6);
    const failing: SnapshotSink = {
      due: (t, plan, token) => writer.due(t, plan, token),
      done: (t, token) => writer.done(t, token),
      write: () => Promise.reject(new Error('snapshot write failed')),
    };
    const deps = { db: mongo.db, counters: new CounterStore(redis), mappings: {}, ttlDays: 30 };
    const sinks = { snapshots: failing, updates: noUpdates, checkpoint: 'test' };
    const lost = push(20, ['alice', 'bob']);
    await expect(new BatchApplication(deps, sinks, target, [lost]).run()).rejects.toThrow(
      'snapshot write failed',
    );
    // Dead-lettered, say: nobody recomputes these snapshots, but the note is there.
    expect(await storedSnapshots(6)).toEqual([]);
    expect(await writer.drainPending(target, 60_000)).toBe(0); // too young: its owner may be at work
    expect(await writer.drainPending(target, 0)).toBe(1);
    expect(await storedSnapshots(6)).toEqual(projectInMemory([lost]).snapshots);
    expect(await writer.drainPending(target, 0)).toBe(0); // and it is gone
    // A batch that went through leaves none.
    await new BatchApplication(deps, { ...sinks, snapshots: writer }, target, [
      push(21, ['carol']),
    ]).run();
    expect(await writer.drainPending(target, 0)).toBe(0);
  });
});
