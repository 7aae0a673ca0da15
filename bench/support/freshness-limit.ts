/**
 * The freshness bench's limit relay, in its own process: reads the log from a sequence on,
 * and for each push, as soon as it arrives and independently of the others, writes each
 * store directly once (one bulk insert of its commits, one counter script call, one bulk
 * snapshot write) and publishes its COMMITS_UPDATED. No batching, leases, notes, re-reads
 * or checkpoints: the floor a projector could reach on these servers.
 *
 * The snapshot write holds the documents the projector writes for that push, in their
 * stored shape: `recent_commits` of its (org, repo, day)s and `dashboard_day` of its
 * (org, day)s, computed from the push's own commits alone (no re-read, so their values
 * are not the org's; their size and shape, what the MongoDB-wire server's cost follows,
 * are). A small stand-in document per day would measure a cheaper write than any
 * projector of these read models can make.
 *
 * At most <concurrency> pushes are written at once (unbounded, the MongoDB-wire server
 * thrashes at 200 pushes/s and the "limit" ends up slower than the batching projector).
 *
 *   node --import tsx bench/support/freshness-limit.ts <start seq> <concurrency>   (config from the env)
 */
import { jetstream, DeliverPolicy } from '@nats-io/jetstream';
import { loadConfig } from '../../platform/config.ts';
import { connectMongo, ensureReadModelIndexes } from '../../platform/mongo.ts';
import { connectNats } from '../../platform/nats.ts';
import { connectRedis } from '../../platform/redis.ts';
import { readLogHeaders } from '../../platform/log/headers.ts';
import { Streams } from '../../schemas/streams.ts';
import { targetFor } from '../../platform/read-model-target.ts';
import { updatesSubject } from '../../schemas/subject.ts';
import type { CommitsUpdated } from '../../schemas/updates.ts';
import {
  CounterStore,
  decodePush,
  planBatch,
  SnapshotTally,
  upsertSnapshots,
} from '../../projector/mod.ts';

const startSeq = Number(process.argv[2]);
const concurrency = Number(process.argv[3] ?? 16);
const cfg = loadConfig(process.env);
// Admin creds: an ordered consumer on the log is beyond the projector role's permissions.
const nc = await connectNats(cfg, { name: 'bench-freshness-limit', role: 'admin' });
const js = jetstream(nc);
const { db } = await connectMongo(cfg.MONGO_URL, `${cfg.MONGO_DB}_limit`);
// The read models' indexes, as the projector's collections have them: on FerretDB they
// double the cost of a commit insert and add a third to a snapshot replacement (measured),
// and the unique ones are part of the contract.
await ensureReadModelIndexes(db);
const target = targetFor(0);
const commits = db.collection(target.commits);
const counters = new CounterStore(connectRedis(cfg.REDIS_URL, 'bench-freshness-limit'));
const noObjects = () => Promise.reject(new Error('bench bodies are inline'));

const consumer = await js.consumers.get(Streams.github.name, {
  deliver_policy: DeliverPolicy.StartSequence,
  opt_start_seq: startSeq,
});
const messages = await consumer.consume();
process.send?.({ type: 'ready' });
let failed = 0;
let inflight = 0;
let freed: (() => void) | undefined;
for await (const msg of messages) {
  while (inflight >= concurrency) await new Promise<void>((r) => (freed = r));
  inflight++;
  void relay(msg)
    .catch((err: unknown) => {
      failed++;
      console.error(`limit relay: #${msg.seq}: ${(err as Error).message}`);
    })
    .finally(() => {
      inflight--;
      freed?.();
    });
}

async function relay(msg: Parameters<typeof decodePush>[0]): Promise<void> {
  const event = await decodePush(msg, noObjects);
  const plan = planBatch([event], {
    mappings: {},
    namespace: 'limit:',
    ttlDays: cfg.REDIS_KEY_TTL_DAYS,
  });
  const docs = plan.commits;
  const repo = plan.repos[0];
  if (!repo) return;
  await commits.insertMany(docs, { ordered: false });
  await counters.apply(plan.counters);
  const tally = new SnapshotTally();
  for (const doc of docs) tally.add(doc);
  // Concurrent pushes of one org day race on its `dashboard_day`: a loser's duplicate key
  // is tolerated (as the projector's writes tolerate it), the other's document stands.
  await upsertSnapshots(db, target, tally.snapshotsOf(plan));
  const { orgId, repoId, days } = repo;
  const receivedAt = readLogHeaders(msg.headers, msg.seq).receivedAt;
  const update: CommitsUpdated = {
    type: 'COMMITS_UPDATED',
    orgId,
    repoId,
    payload: {
      commitCount: docs.length,
      days,
      lineage: [
        {
          streamSeq: msg.seq,
          deliveryId: event.deliveryId,
          ...(receivedAt ? { receivedAt: receivedAt.toISOString() } : {}),
        },
      ],
    },
  };
  await js.publish(updatesSubject(orgId, repoId), JSON.stringify(update));
}
process.on('exit', () => failed > 0 && console.error(`limit relay: ${failed} failed`));
