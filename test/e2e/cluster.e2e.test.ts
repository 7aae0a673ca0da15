import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../platform/config.ts';
import type { FakePush } from '../../platform/github/push-payload.ts';
import { buildPushPayload } from '../../platform/github/push-payload.ts';
import { connectNats, type NatsConnection } from '../../platform/nats.ts';
import { startIngest, type IngestHandle } from '../../ingest/mod.ts';
import { startGateway, mintToken, type Gateway } from '../../gateway/mod.ts';
import { connectClient, wsUrl, type TestClient } from '../../gateway/testing/mod.ts';
import {
  projectInMemory,
  projectorHarness,
  pushReceived,
  waitFor,
  type Harness,
} from '../../projector/testing/mod.ts';
import { Streams } from '../../schemas/streams.ts';
import { startFaultableCluster, type FaultableCluster } from '../support/servers.ts';
import { postWebhook } from '../support/sign.ts';

// Issue 10 item 5: a 3-node cluster, streams R3, the GITHUB stream's leader SIGKILLed
// while two ingests (spool off: 503s; spool on: 202 spooled) take a steady signed-push load
// that redelivers like GitHub (same delivery id until a 2xx).
const SECRET = 'cluster-webhook-secret';
const JWT = 'cluster-gateway-jwt-secret-0123456789abcdef';
const TOTAL = 300;
const INTERVAL_MS = 25; // ~40 deliveries/s
const KILL_AFTER = 80; // deliveries started before the kill

let servers: FaultableCluster;
let h: Harness;
let cfg: Config;
let ingestOff: IngestHandle;
let ingestOn: IngestHandle;
let gateway: Gateway;
let admin: NatsConnection;

beforeAll(async () => {
  servers = await startFaultableCluster({ size: 3 });
  const env = {
    NATS_URL: servers.natsUrl,
    REDIS_URL: servers.redisUrl,
    MONGO_URL: servers.mongoUrl,
    MONGO_DB: servers.mongoDbName,
    STREAM_REPLICAS: '3',
    GITHUB_WEBHOOK_SECRET: SECRET,
    GATEWAY_JWT_SECRETS: JWT,
    INGEST_PORT: '0',
    GATEWAY_PORT: '0',
    INGEST_APPEND_TIMEOUT_MS: '2000',
    LOG_LEVEL: 'silent',
  };
  h = await projectorHarness(servers, env);
  cfg = h.cfg;
  await h.start();
  const as = (role: 'ingest' | 'gateway', extra: Record<string, string> = {}): Config =>
    loadConfig({}, { ...env, NATS_CREDS: servers.creds[role], ...extra });
  ingestOff = await startIngest(as('ingest', { INGEST_SPOOL_MAX_BYTES: '0' }));
  ingestOn = await startIngest(
    as('ingest', { INGEST_SPOOL_DIR: join(servers.dataDir, 'spool-on') }),
  );
  gateway = await startGateway(as('gateway'));
  admin = await connectNats(
    { ...cfg, NATS_CREDS: servers.creds.admin },
    { name: 'test', role: 'admin' },
  );
}, 90_000);

afterAll(async () => {
  await gateway?.stop();
  await ingestOn?.stop();
  await ingestOff?.stop();
  await h?.close();
  await admin?.drain();
  await servers?.stop();
}, 60_000);

/** Delivery `i`: one commit of its own (unique sha), spread over a few devs, repos and days. */
function pushOf(i: number): FakePush {
  return {
    owner: 'Acme',
    repo: `r${i % 4}`,
    repoId: 500 + (i % 4),
    commits: [
      {
        author: `dev${i % 5}`,
        timestamp: `2025-11-${String(10 + (i % 3)).padStart(2, '0')}T10:00:${String(i % 60).padStart(2, '0')}Z`,
        message: `change ${i}`,
        files: { modified: [`src/m${i % 3}/f${i}.ts`] },
      },
    ],
  };
}

interface Failure {
  readonly ingest: 'off' | 'on';
  readonly delivery: string;
  readonly status: number;
  readonly startedAt: number;
}

describe('cluster', () => {
  it('cluster - SIGKILL of the GITHUB leader under load: no 2xx delivery lost, 503 only while leaderless, projector and gateway carry on', async () => {
    const jsm = await jetstreamManager(admin, { timeout: 1_000 });
    const info = await jsm.streams.info(Streams.github.name);
    expect(info.config.num_replicas).toBe(3);
    expect(info.cluster?.replicas).toHaveLength(2);
    const leaderName = info.cluster!.leader!;
    const leaderIndex = Number(leaderName.slice(1));

    const token = await mintToken(cfg, { orgs: ['acme'], ttlSeconds: 600 });
    const client: TestClient = await connectClient(wsUrl(gateway.port, token));

    const failures: Failure[] = [];
    const accepted = new Map<string, number>(); // delivery id → 2xx status
    const send = async (i: number): Promise<void> => {
      const which = i % 2 === 0 ? 'off' : 'on';
      const port = which === 'off' ? ingestOff.port : ingestOn.port;
      const body = JSON.stringify(buildPushPayload(pushOf(i)));
      const delivery = `cluster-${i}`;
      for (;;) {
        const startedAt = Date.now();
        const res = await postWebhook(`http://127.0.0.1:${port}`, body, {
          secret: SECRET,
          delivery,
        }).catch(() => ({ status: 0 }));
        if (res.status >= 200 && res.status < 300) return void accepted.set(delivery, res.status);
        failures.push({ ingest: which, delivery, status: res.status, startedAt });
        await sleep(200); // GitHub redelivers the same id; a test cannot wait as long
      }
    };

    // Watch the stream's leader from before the kill until a new one is elected.
    let killAt = 0;
    let newLeaderAt = 0;
    let newLeader = '';
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const leader = await jsm.streams
          .info(Streams.github.name)
          .then((i) => i.cluster?.leader)
          .catch(() => undefined);
        if (killAt > 0 && newLeaderAt === 0 && leader !== undefined && leader !== leaderName) {
          newLeaderAt = Date.now();
          newLeader = leader;
        }
        await sleep(50);
      }
    })();

    const sends: Promise<void>[] = [];
    let updatesAtNewLeader = -1;
    for (let i = 0; i < TOTAL; i++) {
      if (i === KILL_AFTER) {
        killAt = Date.now();
        await servers.cluster.nodes[leaderIndex]!.kill();
      }
      if (newLeaderAt > 0 && updatesAtNewLeader < 0) updatesAtNewLeader = client.seqs().length;
      sends.push(send(i));
      await sleep(INTERVAL_MS);
    }
    await waitFor(() => newLeaderAt > 0, 30_000, 'a new GITHUB leader');
    if (updatesAtNewLeader < 0) updatesAtNewLeader = client.seqs().length;
    watching = false;
    await watcher;
    await Promise.all(sends);
    const doneAt = Date.now();
    // The killed node comes back and catches up as a follower.
    const restartAt = Date.now();
    await servers.cluster.nodes[leaderIndex]!.restart();
    await servers.cluster.ready(30_000);
    await waitFor(
      async () => {
        const c = (await jsm.streams.info(Streams.github.name)).cluster;
        const peers = [
          c?.leader,
          ...(c?.replicas ?? []).filter((r) => r.current && !r.offline).map((r) => r.name),
        ];
        return peers.includes(leaderName) && peers.length === 3;
      },
      30_000,
      `${leaderName} to rejoin as a current replica`,
    );
    const rejoinedMs = Date.now() - restartAt;

    // No delivery that got a 2xx is lost, and none is in the log twice.
    expect(accepted.size).toBe(TOTAL);
    await waitFor(
      async () => (await jsm.streams.info(Streams.github.name)).state.messages >= TOTAL,
      30_000,
      'the spool to forward every 202',
    );
    const last = (await jsm.streams.info(Streams.github.name)).state.last_seq;
    const ids: string[] = [];
    for (let seq = 1; seq <= last; seq++) {
      const m = await jsm.streams.getMessage(Streams.github.name, { seq }).catch(() => null);
      const id = m?.header.get('Nats-Msg-Id');
      if (id) ids.push(id);
    }
    expect(ids.length).toBe(new Set(ids).size);
    expect(new Set(ids)).toEqual(new Set(accepted.keys()));

    // 503 only while the stream had no leader: each refused attempt started between the kill
    // and the new leader's election (+ the watcher's poll and ingest's reconnect as slack).
    const slack = 1_500;
    const refused = failures.filter((f) => f.ingest === 'off');
    for (const f of refused) {
      expect(f.status).toBe(503);
      expect(f.startedAt).toBeGreaterThanOrEqual(killAt - slack);
      expect(f.startedAt).toBeLessThanOrEqual(newLeaderAt + slack);
    }
    // With the spool on nothing is refused: the leaderless window becomes 202 spooled.
    expect(failures.filter((f) => f.ingest === 'on')).toEqual([]);
    const spooled = [...accepted.values()].filter((s) => s === 202).length;

    // The projector carries on by itself: the read models are exactly the in-memory ones.
    await h.settled(60_000);
    const events = [...Array(TOTAL).keys()].map((i) =>
      pushReceived(pushOf(i), { deliveryId: `cluster-${i}` }),
    );
    expect(await h.models()).toEqual(projectInMemory(events));
    // The gateway too: its client got updates after the new leader was elected, up to the
    // last one stored (its ordered consumer re-creates itself if its server was the one killed).
    const lastUpdate = (await jsm.streams.info(Streams.updates.name)).state.last_seq;
    await waitFor(
      () => client.seqs().length > updatesAtNewLeader && (client.seqs().at(-1) ?? 0) >= lastUpdate,
      20_000,
      'updates after failover, up to the last one stored',
    );
    await client.close();

    const refusedIds = new Set(refused.map((f) => f.delivery)).size;
    const lastRefused = Math.max(killAt, ...refused.map((f) => f.startedAt));
    console.log(
      `[cluster] killed ${leaderName}, new leader ${newLeader} after ${newLeaderAt - killAt} ms; ` +
        `${refused.length} × 503 (spool off, over ${refusedIds} deliveries, the last ` +
        `${lastRefused - killAt} ms after the kill), ${spooled} × 202 spooled (spool on); ` +
        `every one of ${TOTAL} deliveries 2xx ${doneAt - killAt} ms after the kill; ` +
        `${leaderName} restarted and current again in ${rejoinedMs} ms`,
    );
  }, 150_000);
});
