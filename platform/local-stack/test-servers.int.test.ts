// Tests of test/support/servers.ts, the way other test files get their servers.
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, expect, inject, test } from 'vitest';
import { natsAs } from '../../test/support/nats-as.ts';
import { startFaultableServers, useServers, type TestServers } from '../../test/support/servers.ts';

let first: TestServers;
let second: TestServers;

beforeAll(async () => {
  [first, second] = await Promise.all([useServers(), useServers()]);
});

afterAll(async () => {
  await Promise.all([first?.stop(), second?.stop()]);
});

function tempDirs(): Set<string> {
  return new Set(readdirSync(tmpdir()).filter((name) => name.startsWith('teampulse-test-')));
}

test('test-servers - useServers gives working NATS, Redis and MongoDB', async () => {
  const nc = await connect({
    servers: first.natsUrl,
    reconnect: false,
    ...natsAs(first.creds, 'analyst'),
  });
  try {
    expect((await (await jetstreamManager(nc)).getAccountInfo()).streams).toBe(0);
  } finally {
    await nc.close();
  }
  const redis = new Redis(first.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    expect(await redis.ping()).toBe('PONG');
  } finally {
    redis.disconnect();
  }
  const mongo = new MongoClient(first.mongoUrl, { serverSelectionTimeoutMS: 5_000 });
  try {
    const col = mongo.db(first.mongoDbName).collection<{ _id: number }>('c');
    await col.insertOne({ _id: 1 });
    expect(await col.countDocuments()).toBe(1);
  } finally {
    await mongo.close();
  }
});

test('test-servers - calls share the run-wide MongoDB but get their own database, NATS and Redis', () => {
  expect(first.mongoDbName).toMatch(/^t_[0-9a-f]{12}$/);
  expect(second.mongoDbName).not.toBe(first.mongoDbName);
  // NATS_URL / REDIS_URL name one server for everyone; otherwise each call has its own.
  if (first.sources.nats !== 'env') expect(second.natsUrl).not.toBe(first.natsUrl);
  if (first.sources.redis !== 'env') expect(second.redisUrl).not.toBe(first.redisUrl);
  expect(second.mongoUrl).toBe(first.mongoUrl);
  if (process.env.MONGO_URL === undefined) {
    // Came from the globalSetup, not from a server this worker started itself.
    expect(first.mongoUrl).toBe(inject('teampulseMongoUrl'));
  }
});

test('test-servers - a server not asked for is not started, and reading its URL throws', async () => {
  const before = tempDirs();
  const onlyRedis = await useServers({ nats: false, mongo: false });
  try {
    expect(onlyRedis.sources).toMatchObject({ nats: 'off', mongo: 'off' });
    expect(() => onlyRedis.natsUrl).toThrow(/did not start nats/);
    expect(() => onlyRedis.mongoUrl).toThrow(/did not start mongo/);
    expect(onlyRedis.redisUrl).toMatch(/^redis:\/\//);
  } finally {
    await onlyRedis.stop();
  }
  // stop() deleted the temp dir the call created.
  expect(tempDirs()).toEqual(before);
});

test('test-servers - stop() drops the call’s database from the shared server', async () => {
  const own = await useServers({ nats: false, redis: false });
  const client = new MongoClient(own.mongoUrl, { serverSelectionTimeoutMS: 5_000 });
  try {
    await client.db(own.mongoDbName).collection('c').insertOne({ x: 1 });
    const names = async () =>
      (await client.db('admin').admin().listDatabases()).databases.map((d) => d.name);
    expect(await names()).toContain(own.mongoDbName);
    await own.stop();
    expect(await names()).not.toContain(own.mongoDbName);
  } finally {
    await client.close();
  }
});

test('test-servers - faultable servers restart with their data; a killed Redis comes back', async () => {
  const servers = await startFaultableServers({ redisAppendOnly: true });
  try {
    expect(servers.mongo.url).toBe(servers.mongoUrl);
    const redis = new Redis(servers.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    await redis.set('kept', 'yes');
    redis.disconnect();

    await servers.redis.kill();
    expect(servers.redis.pid).toBeUndefined();
    await servers.redis.restart();

    const again = new Redis(servers.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await again.connect();
      // Redis writes the AOF before it replies (only the fsync waits a second, which
      // matters for power loss, not a killed process), so the acknowledged SET survives
      // SIGKILL; without AOF (and `--save ""`) it would be gone.
      expect(await again.get('kept')).toBe('yes');
    } finally {
      again.disconnect();
    }
  } finally {
    const dir = servers.dataDir;
    await servers.stop();
    expect(existsSync(dir)).toBe(false);
  }
});
