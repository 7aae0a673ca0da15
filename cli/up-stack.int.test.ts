import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, expect, test } from 'vitest';
import { startLocalStack, type LocalStack } from '../platform/local-stack/mod.ts';
import { upStackOptions } from './up.ts';

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
