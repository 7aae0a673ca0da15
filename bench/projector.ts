/**
 * Projector benchmark: `npx tsx bench/projector.ts [events=2000] [batch=200]`.
 *
 * Preloads N push events (5 commits each) into the log, then times one projector
 * draining them (events/s, commits/s, peak RSS). In the same run, against the same
 * servers, the limit: the same commit documents bulk-upserted straight into the same
 * MongoDB-wire server, and the same counter updates straight into Redis, in the same batch
 * sizes. Prints both and the ratio. Starts its own servers on loopback and stops them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { buildPushPayload, fakeSha, type FakePush } from '../platform/github/push-payload.ts';
import { loadConfig } from '../platform/config.ts';
import { startLocalStack } from '../platform/local-stack/mod.ts';
import { LogAppender } from '../platform/log/append.ts';
import { createLogger } from '../platform/logger.ts';
import { connectMongo, ensureReadModelIndexes } from '../platform/mongo.ts';
import { connectNats } from '../platform/nats.ts';
import { connectRedis } from '../platform/redis.ts';
import { targetFor } from '../platform/read-model-target.ts';
import { ensureStreams } from '../platform/streams.ts';
import { Consumers, Streams } from '../schemas/streams.ts';
import {
  startProjector,
  commitDocsOf,
  counterItemsOf,
  CounterStore,
  upsertCommits,
} from '../projector/mod.ts';
import { PushEvent } from '../schemas/push-event.ts';
import { stageDelta, stageHistograms } from './support/stage-metrics.ts';

const N = Number(process.argv[2] ?? 2000);
const BATCH = Number(process.argv[3] ?? 200);
const COMMITS = 5;
const TIME_LIMIT_MS = 110_000;

function push(i: number): FakePush {
  const repo = i % 20;
  return {
    owner: `org${repo % 4}`,
    repo: `repo${repo}`,
    repoId: 10_000 + repo,
    commits: Array.from({ length: COMMITS }, (_, j) => ({
      author: `dev${(i * 3 + j) % 40}`,
      // As live traffic: a push's commits are from its day, days advance through the run.
      timestamp: new Date(Date.UTC(2026, 9, 1 + Math.floor((i * 14) / N), 9, j)).toISOString(),
      files: {
        modified: [`src/m${j}.ts`, `lib${i % 5}/x.ts`],
        added: j === 0 ? ['README.md'] : [],
      },
      sha: fakeSha(`bench-${i}-${j}`),
    })),
  };
}

let peakRss = 0;
const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

const dataDir = await mkdtemp(join(tmpdir(), 'teampulse-bench-projector-'));
const stack = await startLocalStack({ dataDir });
try {
  const cfg = loadConfig(
    {},
    {
      NATS_URL: stack.natsUrl,
      NATS_CREDS: stack.nats.auth!.creds.projector,
      MONGO_URL: stack.mongoUrl,
      REDIS_URL: stack.redisUrl,
      MONGO_DB: 'bench',
      PROJECTOR_PORT: '0',
      PROJECTOR_BATCH_SIZE: String(BATCH),
      LOG_LEVEL: 'warn',
    },
  );
  // The bench fills the log as ingest would: as admin (ingest may not create UPDATES etc.).
  const nc = await connectNats(
    { ...cfg, NATS_CREDS: stack.nats.auth!.creds.admin },
    { name: 'bench', role: 'admin' },
  );
  await ensureStreams(await jetstreamManager(nc), cfg);
  const appender = new LogAppender(nc, { timeoutMs: 10_000 });
  const bodies = Array.from({ length: N }, (_, i) =>
    Buffer.from(JSON.stringify(buildPushPayload(push(i)))),
  );
  const t0 = performance.now();
  for (let i = 0; i < N; i += 100) {
    await Promise.all(
      bodies.slice(i, i + 100).map((body, k) =>
        appender.append({
          event: 'push',
          deliveryId: `bench-${i + k}`,
          body,
          owner: push(i + k).owner,
          repo: push(i + k).repo,
          receivedAt: new Date(),
          githubHeaders: { 'X-GitHub-Event': 'push', 'X-GitHub-Delivery': `bench-${i + k}` },
        }),
      ),
    );
  }
  console.log(
    `preloaded ${N} events (${N * COMMITS} commits) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const rssBefore = process.memoryUsage().rss;
  peakRss = rssBefore;

  // --- the projector ----------------------------------------------------------------
  const jsm = await jetstreamManager(nc);
  const start = performance.now();
  const projector = await startProjector(cfg, {
    logger: createLogger({ level: 'warn', role: 'projector' }),
  });
  let acked = 0;
  for (;;) {
    const info = await jsm.consumers
      .info(Streams.github.name, Consumers.projector)
      .catch(() => undefined);
    acked = info?.ack_floor.stream_seq ?? 0;
    if (acked >= N || performance.now() - start > TIME_LIMIT_MS) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const projSeconds = (performance.now() - start) / 1000;
  // Where the projector's time went: its per-batch write stages (one scrape at the end).
  const metricsText = await (await fetch(`http://127.0.0.1:${projector.port}/metrics`)).text();
  const stages = stageDelta({}, stageHistograms(metricsText));
  await projector.stop();
  const projPeak = peakRss;

  // --- the limit: the same documents and counters, straight into the same servers -------
  const mongo = await connectMongo(cfg.MONGO_URL, 'bench_limit');
  await ensureReadModelIndexes(mongo.db);
  const redis = connectRedis(cfg.REDIS_URL, 'bench-limit');
  const counters = new CounterStore(redis);
  const target = { ...targetFor(0), redisNamespace: 'limit:' };
  const docs = Array.from({ length: acked }, (_, i) =>
    commitDocsOf(PushEvent.parse(buildPushPayload(push(i))), {}),
  );
  const limitStart = performance.now();
  for (let i = 0; i < docs.length; i += BATCH) {
    const batch = docs.slice(i, i + BATCH).flat();
    await upsertCommits(mongo.db, target, batch);
    await counters.apply(
      counterItemsOf(batch, { namespace: target.redisNamespace, ttlDays: cfg.REDIS_KEY_TTL_DAYS }),
    );
  }
  const limitSeconds = (performance.now() - limitStart) / 1000;
  redis.disconnect();
  await mongo.close();
  await nc.drain();

  const evps = acked / projSeconds;
  const limitEvps = acked / limitSeconds;
  console.log(
    `mongo-wire server: ${stack.mongo.kind}; batch size ${BATCH}; ${COMMITS} commits per event`,
  );
  console.log(
    `projector: ${acked}/${N} events in ${projSeconds.toFixed(1)} s = ${evps.toFixed(0)} events/s, ${(evps * COMMITS).toFixed(0)} commits/s`,
  );
  console.log(
    `limit (bulk upserts + counter script only): ${limitEvps.toFixed(0)} events/s, ${(limitEvps * COMMITS).toFixed(0)} commits/s`,
  );
  console.log(`ratio projector/limit: ${((evps / limitEvps) * 100).toFixed(0)} %`);
  console.log(
    `peak RSS during projection: ${(projPeak / 2 ** 20).toFixed(0)} MiB (before: ${(rssBefore / 2 ** 20).toFixed(0)} MiB, includes ${N} preloaded bodies)`,
  );
  console.log(
    `projector stages (per batch; their sum against ${projSeconds.toFixed(1)} s in all):`,
  );
  for (const [stage, h] of Object.entries(stages)) {
    console.log(
      `  ${stage.padEnd(11)} n=${String(h.count).padEnd(5)} mean ${(h.mean * 1000).toFixed(1).padStart(8)} ms  sum ${(h.mean * h.count).toFixed(2).padStart(6)} s`,
    );
  }
  if (acked < N) console.log(`NOTE: stopped at the ${TIME_LIMIT_MS / 1000} s time limit`);
} finally {
  clearInterval(rssTimer);
  await stack.stop();
  await rm(dataDir, { recursive: true, force: true });
}
