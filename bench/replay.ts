/**
 * Replay throughput and memory, against the limit measured in the same run.
 *
 *   npx tsx bench/replay.ts [--commits 1000000] [--per-push 10] [--batch-size 500]
 *
 * 1. Local NATS, Redis and MongoDB-wire servers (FerretDB here) in a temp dir.
 * 2. A log of `--commits` commits, generated (realistic push payloads: several orgs,
 *    repos, developers, 60 days, files in folders) and published with batched js.publish.
 * 3. The replay: `runReplay` (rebuild + switch, the projector's batch code) in a child
 *    process, whose peak RSS (VmHWM) is the figure.
 * 4. The limit: the same stream read with an ordered consumer, the same commit documents
 *    bulk-inserted straight into the same MongoDB (a collection with the same indexes)
 *    and the same counters pipelined into the same Redis (no snapshots, no idempotency
 *    checks).
 * Prints both rates and their ratio.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { headers } from '@nats-io/nats-core';
import { Redis } from 'ioredis';
import { MongoClient, type AnyBulkWriteOperation } from 'mongodb';
import { buildPushPayload, fakeSha, type FakeCommit } from '../platform/github/push-payload.ts';
import { loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/logger.ts';
import { ensureReadModelIndexes } from '../platform/mongo.ts';
import { startMongo, startNats, startRedis } from '../platform/local-stack/mod.ts';
import { connectNats, type NatsSettings } from '../platform/nats.ts';
import { ensureStreams } from '../platform/streams.ts';
import { commitDocsOf, counterItemsOf } from '../projector/mod.ts';
import { openReplayContext, runReplay } from '../replay/mod.ts';
import { PushEvent } from '../schemas/push-event.ts';
import type { CommitDoc } from '../schemas/read-models.ts';
import { Streams } from '../schemas/streams.ts';
import { githubSubject } from '../schemas/subject.ts';
import { memoryOf, row } from './support/proc.ts';

const { values } = parseArgs({
  options: {
    commits: { type: 'string', default: '1000000' },
    'per-push': { type: 'string', default: '10' },
    'batch-size': { type: 'string', default: '500' },
    child: { type: 'string' },
    nats: { type: 'string' },
    'nats-creds': { type: 'string' },
    mongo: { type: 'string' },
    redis: { type: 'string' },
  },
});
const batchSize = Number(values['batch-size']);

/** Push `i` of the generated log: 8 orgs, 40 repos, 120 developers, 60 days. */
function generatedPush(i: number, perPush: number) {
  const repo = i % 40;
  const commits: FakeCommit[] = Array.from({ length: perPush }, (_, j) => {
    const n = i * perPush + j;
    const top = ['src', 'lib', 'tests', 'docs', 'api', 'web'][(i + j) % 6]!;
    return {
      author: `dev${(repo * 3 + ((i + j) % 7)) % 120}`,
      timestamp: new Date(
        Date.UTC(2026, 0, 1) + (n % 60) * 86_400_000 + ((n * 7919) % 86_400) * 1000,
      )
        .toISOString()
        .replace('.000', ''),
      message: `change ${n}: ${'adjust the thing '.repeat(1 + (n % 4))}`,
      files: {
        modified: [`${top}/m${j % 5}/f${n % 13}.ts`, ...(j % 3 === 0 ? ['README.md'] : [])],
        added: j % 4 === 0 ? [`${top}/new${n}.ts`] : [],
      },
      sha: fakeSha(`bench-${n}`),
    };
  });
  return { owner: `org${repo % 8}`, repo: `repo${repo}`, repoId: 10_000 + repo, commits };
}

async function publishLog(
  nats: NatsSettings,
  commits: number,
  perPush: number,
): Promise<{ messages: number; bytes: number; seconds: number }> {
  const nc = await connectNats(nats, { name: 'bench-publish', role: 'ingest' });
  const js = jetstream(nc, { timeout: 30_000 });
  const pushes = Math.ceil(commits / perPush);
  const started = performance.now();
  let bytes = 0;
  const WINDOW = 2000;
  for (let start = 0; start < pushes; start += WINDOW) {
    const acks: Promise<unknown>[] = [];
    for (let i = start; i < Math.min(pushes, start + WINDOW); i++) {
      const push = generatedPush(i, perPush);
      const body = Buffer.from(JSON.stringify(buildPushPayload(push)));
      bytes += body.byteLength;
      const h = headers();
      h.set('X-GitHub-Event', 'push');
      h.set('X-GitHub-Delivery', `bench-${i}`);
      acks.push(
        js.publish(githubSubject('push', push.owner, push.repo), body, {
          msgID: `bench-${i}`,
          headers: h,
        }),
      );
    }
    await Promise.all(acks);
  }
  await nc.drain();
  return { messages: pushes, bytes, seconds: (performance.now() - started) / 1000 };
}

/** The limit: ordered consumer → parse → insertMany the commit docs + pipelined counters. */
async function limit(
  nats: NatsSettings,
  mongoUrl: string,
  redisUrl: string,
): Promise<{ events: number; commits: number; seconds: number }> {
  const nc = await connectNats(nats, { name: 'bench-limit', role: 'admin' });
  const js = jetstream(nc);
  const mongo = new MongoClient(mongoUrl, { retryWrites: false });
  const db = mongo.db('bench');
  const redis = new Redis(redisUrl);
  // The same indexes as a read-model target's commits: the documents go into the same kind
  // of collection, so the limit pays the same index upkeep the replay does.
  await ensureReadModelIndexes(db, '_limit');
  const collection = db.collection<CommitDoc>('commits_limit');
  const last = (await (await jetstreamManager(nc)).streams.info(Streams.github.name)).state
    .last_seq;
  const consumer = await js.consumers.get(Streams.github.name, {
    filter_subjects: ['github.push.>'],
  });
  const started = performance.now();
  let events = 0;
  let commits = 0;
  let done = false;
  while (!done) {
    const docs: CommitDoc[] = [];
    const msgs = await consumer.fetch({ max_messages: batchSize, expires: 5000 });
    for await (const m of msgs) {
      docs.push(...commitDocsOf(PushEvent.parse(m.json()), {}));
      events++;
      if (m.seq >= last || m.info.pending === 0) {
        done = true;
        break;
      }
    }
    msgs.stop();
    if (docs.length === 0) break;
    const ops: AnyBulkWriteOperation<CommitDoc>[] = docs.map((d) => ({
      insertOne: { document: d },
    }));
    await collection.bulkWrite(ops, { ordered: false });
    const pipe = redis.pipeline();
    for (const c of counterItemsOf(docs, { namespace: 'limit:', ttlDays: 400 }))
      pipe.sadd(c.seenKey, c.member).incr(c.key);
    await pipe.exec();
    commits += docs.length;
  }
  const seconds = (performance.now() - started) / 1000;
  await consumer.delete().catch(() => undefined);
  redis.disconnect();
  await mongo.close();
  await nc.drain();
  return { events, commits, seconds };
}

/** The replay, in this (child) process: prints its summary and peak RSS as JSON. */
async function replayChild(): Promise<void> {
  const cfg = loadConfig(
    {},
    {
      NATS_URL: values.nats!,
      NATS_CREDS: values['nats-creds']!,
      MONGO_URL: values.mongo!,
      REDIS_URL: values.redis!,
      MONGO_DB: 'bench',
      LOG_LEVEL: 'warn',
    },
  );
  const ctx = await openReplayContext(cfg, createLogger({ level: 'warn', role: 'replay' }));
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, memoryOf(process.pid).peakMiB)), 1000);
  const summary = await runReplay(ctx, { batchSize });
  clearInterval(sampler);
  await ctx.close();
  process.stdout.write(
    `${JSON.stringify({ summary, peakMiB: Math.max(peak, memoryOf(process.pid).peakMiB) })}\n`,
  );
  process.exit(0);
}

async function main(): Promise<void> {
  const commits = Number(values.commits);
  const perPush = Number(values['per-push']);
  const dir = await mkdtemp(join(tmpdir(), 'tp-bench-replay-'));
  const [nats, redis, mongo] = await Promise.all([
    startNats({ dataDir: join(dir, 'nats') }),
    startRedis({ dataDir: join(dir, 'redis') }),
    startMongo({ dataDir: join(dir, 'mongo') }),
  ]);
  try {
    const cfg = loadConfig({}, { NATS_URL: nats.url });
    const as = (role: 'ingest' | 'admin') => ({ ...cfg, NATS_CREDS: nats.auth!.creds[role] });
    const nc = await connectNats(as('admin'), { name: 'bench-setup', role: 'admin' });
    await ensureStreams(await jetstreamManager(nc), cfg);
    await nc.drain();
    const pub = await publishLog(as('ingest'), commits, perPush);
    console.log(
      row(
        'log',
        `${pub.messages} pushes`,
        `${commits} commits`,
        `${(pub.bytes / 1e6).toFixed(0)} MB`,
        `${Math.round(pub.messages / pub.seconds)} msg/s`,
      ),
    );

    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(import.meta.url),
        '--child',
        'replay',
        '--nats',
        nats.url,
        '--nats-creds',
        nats.auth!.creds.admin,
        '--mongo',
        mongo.url,
        '--redis',
        redis.url,
        '--batch-size',
        String(batchSize),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    await new Promise((r) => child.once('close', r));
    const { summary, peakMiB } = JSON.parse(out.trim().split('\n').at(-1)!) as {
      summary: { events: number; commits: number; durationMs: number };
      peakMiB: number;
    };
    const replaySeconds = summary.durationMs / 1000;
    const lim = await limit(as('admin'), mongo.url, redis.url);
    const replayRate = summary.commits / replaySeconds;
    const limitRate = lim.commits / lim.seconds;
    console.log(row('', 'events', 'commits', 'seconds', 'commits/s', 'events/s'));
    console.log(
      row(
        'replay (rebuild + switch)',
        summary.events,
        summary.commits,
        replaySeconds.toFixed(1),
        Math.round(replayRate),
        Math.round(summary.events / replaySeconds),
      ),
    );
    console.log(
      row(
        'limit (read + bulk insert)',
        lim.events,
        lim.commits,
        lim.seconds.toFixed(1),
        Math.round(limitRate),
        Math.round(lim.events / lim.seconds),
      ),
    );
    console.log(row('ratio replay / limit', `${((replayRate / limitRate) * 100).toFixed(1)} %`));
    console.log(row('replay peak RSS', `${peakMiB.toFixed(0)} MiB`));
    console.log(row('MongoDB-wire server', mongo.kind ?? 'ferretdb'));
  } finally {
    await Promise.allSettled([nats.stop(), redis.stop(), mongo.stop()]);
    await rm(dir, { recursive: true, force: true });
  }
}

if (values.child === 'replay') await replayChild();
else await main();
