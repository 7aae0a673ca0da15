import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { loadConfig, type Config } from '../../platform/config.ts';
import { startIngest, type IngestHandle } from '../../ingest/mod.ts';
import { startProjector, type ProjectorHandle } from '../../projector/mod.ts';
import { startGateway, type Gateway, mintToken } from '../../gateway/mod.ts';
import { buildPushPayload } from '../../platform/github/push-payload.ts';
import { useServers, type TestServers } from '../support/servers.ts';
import { postWebhook } from '../support/sign.ts';

// The seed's scenario (shared/seeds/push-flow-example.md): a push of 3 commits to
// owner/repo — alice 2, bob 1 — becomes commits, counters, a snapshot, and a live frame.
const SECRET = 'e2e-webhook-secret';
const JWT = 'e2e-gateway-jwt-secret-0123456789abcdef';
let servers: TestServers;
let cfg: Config;
let ingest: IngestHandle;
let projector: ProjectorHandle;
let gateway: Gateway;

beforeAll(async () => {
  servers = await useServers();
  cfg = loadConfig(
    {},
    {
      NATS_URL: servers.natsUrl,
      MONGO_URL: servers.mongoUrl,
      MONGO_DB: servers.mongoDbName,
      REDIS_URL: servers.redisUrl,
      GITHUB_WEBHOOK_SECRET: SECRET,
      GATEWAY_JWT_SECRETS: JWT,
      INGEST_PORT: '0',
      GATEWAY_PORT: '0',
      PROJECTOR_PORT: '0',
      PROJECTOR_BATCH_WAIT_MS: '20',
      LOG_LEVEL: 'silent',
    },
  );
  // Each role with its own credentials, as deployed.
  const as = (role: 'ingest' | 'projector' | 'gateway'): Config => ({
    ...cfg,
    NATS_CREDS: servers.creds[role],
  });
  ingest = await startIngest(as('ingest'));
  projector = await startProjector(as('projector'));
  gateway = await startGateway(as('gateway'));
});

afterAll(async () => {
  await gateway?.stop();
  await projector?.stop();
  await ingest?.stop();
  await servers?.stop();
});

function nextFrame(ws: WebSocket, event: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} frame`)), 20_000);
    ws.on('message', (raw: Buffer) => {
      const frame = JSON.parse(raw.toString()) as Record<string, unknown>;
      if (frame.event === event) {
        clearTimeout(timer);
        resolve(frame);
      }
    });
  });
}

async function open(orgs: string[]): Promise<WebSocket> {
  const token = await mintToken(cfg, { orgs, ttlSeconds: 600 });
  const ws = new WebSocket(`ws://127.0.0.1:${gateway.port}/ws?token=${token}`);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return ws;
}

describe('pipeline', () => {
  it('pipeline - a signed push reaches the read models, a live frame, and the dashboard API', async () => {
    const acme = await open(['acme']);
    const other = await open(['globex']);
    const otherFrames: unknown[] = [];
    other.on('message', (m: Buffer) => otherFrames.push(JSON.parse(m.toString())));

    const push = buildPushPayload({
      owner: 'Acme',
      repo: 'web',
      repoId: 4242,
      commits: [
        {
          author: 'alice',
          timestamp: '2025-11-19T09:58:00Z',
          files: { added: ['src/a.ts'], modified: ['README.md'] },
        },
        {
          author: 'alice',
          timestamp: '2025-11-19T09:59:00Z',
          files: { modified: ['tests/a.test.ts', 'src/b.ts'] },
        },
        {
          author: 'bob',
          timestamp: '2025-11-19T10:00:00Z',
          files: { removed: ['docs/old.md'], modified: [] },
        },
      ],
    });
    const frame = nextFrame(acme, 'commits:update');
    const sentAt = Date.now();
    const res = await postWebhook(`http://127.0.0.1:${ingest.port}`, JSON.stringify(push), {
      secret: SECRET,
      delivery: 'abc-123',
    });
    expect(res.status).toBe(200);

    const f = await frame;
    const latencyMs = Date.now() - sentAt;
    expect(f.room).toBe('org:acme');
    expect(typeof f.seq).toBe('number');
    const data = f.data as {
      type: string;
      orgId: string;
      repoId: string;
      payload: { commitCount: number; days: string[]; lineage: { deliveryId: string }[] };
    };
    expect(data).toMatchObject({ type: 'COMMITS_UPDATED', orgId: 'acme', repoId: '4242' });
    expect(data.payload.commitCount).toBe(3);
    expect(data.payload.days).toEqual(['2025-11-19']);
    expect(data.payload.lineage.map((l) => l.deliveryId)).toEqual(['abc-123']);
    // "well under a second locally" — generous bound: this is a functional check, the bench measures.
    expect(latencyMs).toBeLessThan(5_000);

    // The read models, as the brief defines them.
    const mongo = new MongoClient(servers.mongoUrl);
    const redis = new Redis(servers.redisUrl);
    try {
      const db = mongo.db(servers.mongoDbName);
      const commits = await db
        .collection('commits')
        .find({ repoId: '4242' }, { projection: { _id: 0 } })
        .sort({ timestamp: 1 })
        .toArray();
      expect(commits).toHaveLength(3);
      expect(commits[0]).toMatchObject({
        orgId: 'acme',
        authorGithubId: 'alice',
        filesCount: 2,
        modulePaths: ['.', 'src'],
        processed: true,
      });
      expect(commits[1]).toMatchObject({ filesCount: 2, modulePaths: ['src', 'tests'] });
      expect(commits[2]).toMatchObject({
        authorGithubId: 'bob',
        filesCount: 1,
        modulePaths: ['docs'],
      });
      const snapshot = await db
        .collection('metrics_snapshots')
        .findOne({ orgId: 'acme', repoId: '4242', metricName: 'recent_commits' });
      expect(snapshot).toMatchObject({
        metricValue: 3,
        timeframeStart: new Date('2025-11-19T00:00:00Z'),
        timeframeEnd: new Date('2025-11-20T00:00:00Z'),
        payload: {
          byAuthor: [
            { devId: 'alice', count: 2 },
            { devId: 'bob', count: 1 },
          ],
        },
      });
      expect(await redis.get('org:acme:dev:alice:commits:2025-11-19')).toBe('2');
      expect(await redis.get('org:acme:dev:bob:commits:2025-11-19')).toBe('1');
    } finally {
      await mongo.close();
      redis.disconnect();
    }

    // A client that refetches on the frame sees the new numbers.
    const token = await mintToken(cfg, { orgs: ['acme'], ttlSeconds: 600 });
    const api = await fetch(
      `http://127.0.0.1:${gateway.port}/api/v1/orgs/acme/dashboard?from=2025-11-01&to=2025-11-30`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    expect(api.status).toBe(200);
    const dash = (await api.json()) as Record<string, unknown>;
    expect(JSON.stringify(dash)).toContain('alice');
    expect(dash.asOfSeq).toBeGreaterThanOrEqual(f.seq as number);
    const foreign = await fetch(
      `http://127.0.0.1:${gateway.port}/api/v1/orgs/globex/dashboard?from=2025-11-01&to=2025-11-30`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    expect(foreign.status).toBe(403);

    // The same delivery redelivered by GitHub changes nothing and announces no new commits.
    const again = nextFrame(acme, 'commits:update');
    const redelivered = await postWebhook(`http://127.0.0.1:${ingest.port}`, JSON.stringify(push), {
      secret: SECRET,
      delivery: 'abc-123',
    });
    expect((redelivered.json as { status: string }).status).toBe('duplicate');
    // Same commits under a new delivery id: an update may come, but it counts 0 new commits.
    await postWebhook(`http://127.0.0.1:${ingest.port}`, JSON.stringify(push), {
      secret: SECRET,
      delivery: 'abc-124',
    });
    const f2 = await again;
    expect((f2.data as { payload: { commitCount: number } }).payload.commitCount).toBe(0);

    expect(
      otherFrames.filter((m) => (m as { event: string }).event === 'commits:update'),
    ).toHaveLength(0);
    acme.close();
    other.close();
  });
});
