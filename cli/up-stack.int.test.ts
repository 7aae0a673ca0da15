import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, expect, test } from 'vitest';
import { startLocalStack, type LocalStack } from '../platform/local-stack/mod.ts';
import { jetstreamManager } from '@nats-io/jetstream';
import { loadConfig } from '../platform/config.ts';
import { connectNats } from '../platform/nats.ts';
import { ensureStreams } from '../platform/streams.ts';
import { Streams } from '../schemas/streams.ts';
import { CLUSTER_SIZE, upStackOptions } from './up.ts';

let root: string | undefined;
let stack: LocalStack | undefined;

afterAll(async () => {
  await stack?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

test('up stack - Redis keeps its data across a stop and start of the stack on one data dir', async () => {
  root = await mkdtemp(join(tmpdir(), 'teampulse-up-stack-'));
  stack = await startLocalStack(upStackOptions(root));
  let redis = new Redis(stack.redisUrl, { lazyConnect: true });
  await redis.connect();
  await redis.set('org:acme:dev:alice:commits:2026-01-05', '7');
  expect(await redis.config('GET', 'appendfsync')).toEqual(['appendfsync', 'everysec']);
  redis.disconnect();
  await stack.stop();
  stack = await startLocalStack(upStackOptions(root));
  redis = new Redis(stack.redisUrl, { lazyConnect: true });
  await redis.connect();
  try {
    expect(await redis.get('org:acme:dev:alice:commits:2026-01-05')).toBe('7');
  } finally {
    redis.disconnect();
  }
}, 120_000);

test('up stack - --cluster runs NATS as 3 nodes on one URL list, and the streams are created R3', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'teampulse-up-cluster-'));
  const clustered = await startLocalStack(upStackOptions(dir, {}, true));
  try {
    expect(clustered.natsCluster?.nodes).toHaveLength(CLUSTER_SIZE);
    const urls = clustered.natsUrl.split(',');
    expect(urls).toHaveLength(CLUSTER_SIZE);
    expect(urls).toEqual(clustered.natsCluster!.nodes.map((n) => n.url));
    const cfg = loadConfig(
      {},
      {
        NATS_URL: clustered.natsUrl,
        NATS_CREDS: clustered.nats.auth!.creds.admin,
        STREAM_REPLICAS: String(CLUSTER_SIZE),
      },
    );
    const nc = await connectNats(cfg, { name: 'test', role: 'admin' });
    try {
      const jsm = await jetstreamManager(nc);
      await ensureStreams(jsm, cfg);
      const info = await jsm.streams.info(Streams.github.name);
      expect(info.config.num_replicas).toBe(CLUSTER_SIZE);
      expect(info.cluster?.replicas).toHaveLength(CLUSTER_SIZE - 1);
    } finally {
      await nc.close();
    }
  } finally {
    await clustered.stop();
    await rm(dir, { recursive: true, force: true });
  }
}, 120_000);
