import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeSha, type FakePush } from '../platform/github/push-payload.ts';
import { targetFor } from '../platform/read-model-target.ts';
import { MetricNames } from '../schemas/read-models.ts';
import { Consumers, Streams } from '../schemas/streams.ts';
import { CommitsUpdated } from '../schemas/updates.ts';
import { useServers, type TestServers } from '../test/support/servers.ts';
import { applyBatch, noUpdates } from './batch/apply-batch.ts';
import { projectorConsumerConfig } from './consume/consumer-setup.ts';
import { projectInMemory } from './projections/in-memory-read-models.ts';
import { projectorHarness, waitFor, type Harness } from './testing/harness.ts';
import { pushReceived, seedPush, shuffled } from './testing/events.ts';
import { withoutNamespace } from '../schemas/redis-keys.ts';

let servers: TestServers;
let h: Harness;

beforeAll(async () => {
  servers = await useServers();
  h = await projectorHarness(servers);
});
afterAll(async () => {
  await h?.close();
  await servers?.stop();
});

/** Pushes over a few orgs, repos, developers and days, with repeated commits. */
function pushes(n: number, seed = 0): FakePush[] {
  return Array.from({ length: n }, (_, i) => {
    const repo = (i + seed) % 4;
    return {
      owner: `org${repo % 2}`,
      repo: `repo${repo}`,
      repoId: 500 + repo,
      commits: Array.from({ length: 1 + (i % 3) }, (_, j) =>
        i % 6 === 5
          ? {
              author: 'dup',
              timestamp: '2025-11-02T00:00:00Z',
              sha: fakeSha(`dup-${repo}-${j}`),
              distinct: false,
            }
          : {
              author: `dev${(i + j) % 5}`,
              timestamp: new Date(Date.UTC(2025, 10, 1 + ((i + j) % 9), j)).toISOString(),
              files: { modified: [`mod${j % 3}/x.ts`, 'README.md'] },
              sha: fakeSha(`c-${seed}-${i}-${j}`),
            },
      ),
    };
  });
}

describe('projector', () => {
  it("projector - the seed's example reaches commits, counters, snapshots and COMMITS_UPDATED", async () => {
    const updates = h.nc.subscribe('teampulse.updates.acme.42', { max: 1 });
    const projector = await h.start();
    const appending = Date.now();
    const { seq } = await h.append(seedPush(), 'seed-delivery');
    const appended = Date.now();
    await h.settled();
    const models = await h.models();
    expect(models.commits.map((c) => [c.authorGithubId, c.filesCount, c.modulePaths])).toEqual(
      expect.arrayContaining([
        ['alice', 2, ['.', 'src']],
        ['alice', 2, ['src', 'tests']],
        ['bob', 1, ['docs']],
      ]),
    );
    expect(models.commits).toHaveLength(3);
    expect(models.counters).toEqual({
      'org:acme:dev:alice:commits:2025-11-19': 2,
      'org:acme:dev:bob:commits:2025-11-19': 1,
    });
    const recent = models.snapshots.find((s) => s.metricName === MetricNames.recentCommits);
    expect(recent).toMatchObject({
      orgId: 'acme',
      repoId: '42',
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
    // Every read model equals what the pure projections compute for the same event.
    expect(models).toEqual(projectInMemory([pushReceived(seedPush())]));
    expect(await h.redis.ttl('org:acme:dev:alice:commits:2025-11-19')).toBeGreaterThan(0);
    for await (const m of updates) {
      const update = CommitsUpdated.parse(m.json());
      expect(update.payload).toEqual({
        commitCount: 3,
        days: ['2025-11-19'],
        lineage: [{ streamSeq: seq, deliveryId: 'seed-delivery', receivedAt: expect.any(String) }],
      });
      // The delivery's receive time (log header) rides along, for the gateway's freshness metric.
      const receivedAt = Date.parse(update.payload.lineage[0]!.receivedAt!);
      expect(receivedAt).toBeGreaterThanOrEqual(appending);
      expect(receivedAt).toBeLessThanOrEqual(appended);
    }
    // Stage timings: one batch, each write stage once; caught up (nothing pending behind the
    // one event), it did not wait out PROJECTOR_BATCH_WAIT_MS (50 ms) for more.
    let metrics = '';
    const stat = (stage: string, what: string) =>
      Number(
        new RegExp(
          `teampulse_projector_stage_seconds_${what}\\{[^}]*stage="${stage}"[^}]*\\} (\\S+)`,
        ).exec(metrics)?.[1],
      );
    // The publish stage is observed once its PubAck is back, a moment after subscribers see it.
    for (let i = 0; i < 50 && !(stat('publish', 'count') >= 1); i++) {
      metrics = await (await fetch(`http://127.0.0.1:${projector.port}/metrics`)).text();
      if (!(stat('publish', 'count') >= 1)) await new Promise((r) => setTimeout(r, 50));
    }
    for (const stage of ['commits', 'counters', 'snapshots', 'checkpoint', 'publish'])
      expect(stat(stage, 'count')).toBe(1);
    expect(stat('batch_wait', 'count')).toBeGreaterThanOrEqual(1);
    expect(stat('batch_wait', 'sum')).toBeLessThan(0.025);
    await projector.stop();
  });

  it('projector - redelivered, repeated and re-sent events leave the read models unchanged', async () => {
    const projector = await h.start();
    const before = await h.models();
    // A delivery re-sent with a new id, the same commits in another push (distinct: false).
    const again: FakePush = { ...seedPush(), ref: 'refs/heads/release' };
    again.commits = again.commits.map((c) => ({ ...c, distinct: false }));
    await h.append(seedPush(), 'seed-delivery-resent');
    await h.append(again);
    await h.settled();
    expect(await h.models()).toEqual(before);
    await projector.stop();
    // Every message of the log delivered again, three times over (a fresh durable each time).
    for (let round = 0; round < 3; round++) {
      await h.jsm.consumers.delete(Streams.github.name, Consumers.projector);
      const p = await h.start();
      await h.settled();
      await p.stop();
      expect(await h.models()).toEqual(before);
    }
    // The same batch applied over and over through the batch code directly.
    const ctx = (await h.start({ http: false })).context;
    for (let i = 0; i < 5; i++) {
      const result = await applyBatch(ctx.batch, ctx.live, targetFor(0), [
        pushReceived(seedPush()),
      ]);
      expect(result.newCommits).toBe(0);
    }
    expect(await h.models()).toEqual(before);
  });

  it('projector - events in shuffled order and batches give identical read models', async () => {
    const ctx = (await h.start({ http: false })).context;
    const events = pushes(60, 7).map((p, i) => pushReceived(p, { seq: 1000 + i }));
    const expected = projectInMemory(events);
    for (const [version, seed] of [
      [11, 1],
      [12, 2],
    ] as const) {
      const target = targetFor(version);
      const order = shuffled(events, seed);
      for (let i = 0; i < order.length;) {
        const size = 1 + ((i * seed) % 13);
        await applyBatch(
          ctx.batch,
          { ...ctx.live, updates: noUpdates },
          target,
          order.slice(i, i + size),
        );
        i += size;
      }
      const models = await h.models(target);
      // Counter keys of a rebuild carry the target's namespace.
      const counters = Object.fromEntries(
        Object.entries(models.counters).map(([k, v]) => [
          withoutNamespace(k, target.redisNamespace),
          v,
        ]),
      );
      expect({ ...models, counters }).toEqual(expected);
    }
  });

  it('projector - a COMMITS_UPDATED subscriber sees the update only after the read models are visible', async () => {
    const projector = await h.start();
    const seen: { commitCount: number; snapshot: number; counter: number }[] = [];
    const sub = h.nc.subscribe('teampulse.updates.org9.>');
    const checks = (async () => {
      for await (const m of sub) {
        const update = CommitsUpdated.parse(m.json());
        // Read right away, as a dashboard refetching on the event would.
        const snap = await h.db
          .collection(targetFor(0).snapshots)
          .findOne({ orgId: 'org9', repoId: update.repoId, metricName: 'recent_commits' });
        const counter = Number(await h.redis.get('org:org9:dev:zed:commits:2025-12-01'));
        seen.push({
          commitCount: update.payload.commitCount,
          snapshot: snap?.metricValue ?? 0,
          counter,
        });
      }
    })();
    let expectedTotal = 0;
    for (let i = 0; i < 5; i++) {
      expectedTotal += i + 1;
      await h.append({
        owner: 'org9',
        repo: 'live',
        repoId: 9009,
        commits: Array.from({ length: i + 1 }, (_, j) => ({
          author: 'zed',
          timestamp: '2025-12-01T10:00:00Z',
          sha: fakeSha(`live-${i}-${j}`),
        })),
      });
      await waitFor(
        () => seen.reduce((n, s) => n + s.commitCount, 0) === expectedTotal,
        20_000,
        'update',
      );
      const last = seen.at(-1)!;
      expect(last.snapshot).toBe(expectedTotal);
      expect(last.counter).toBe(expectedTotal);
    }
    sub.unsubscribe();
    await checks;
    await projector.stop();
  });

  it('projector - consumer settings come from config and exposes lag and readiness', async () => {
    const projector = await h.start();
    const info = await h.jsm.consumers.info(Streams.github.name, Consumers.projector);
    const wanted = projectorConsumerConfig(h.cfg);
    expect(info.config.filter_subject).toBe('github.push.>');
    expect(info.config.max_deliver).toBe(3);
    expect(info.config.ack_wait).toBe(wanted.ack_wait);
    const base = `http://127.0.0.1:${projector.port}`;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    for (const name of [
      'teampulse_projector_lag',
      'teampulse_projector_events_total',
      'teampulse_projector_batch_size',
      'teampulse_projector_dead_letters_total',
      'teampulse_projector_retries_total',
    ]) {
      expect(metrics).toContain(name);
    }
    await projector.stop();
  });
});
