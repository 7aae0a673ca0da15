import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeSha, type FakePush } from '../platform/github/push-payload.ts';
import { startFaultableServers, type FaultableServers } from '../test/support/servers.ts';
import { projectInMemory } from './projections/in-memory-read-models.ts';
import { pushReceived } from './testing/events.ts';
import { projectorHarness, waitFor, type Harness } from './testing/harness.ts';

let servers: FaultableServers;
let h: Harness;

beforeAll(async () => {
  // Redis with its AOF: the counters must survive its restart, as in production.
  servers = await startFaultableServers({ redisAppendOnly: true });
  h = await projectorHarness(servers, {
    PROJECTOR_BATCH_SIZE: '10',
    PROJECTOR_TRANSIENT_BUDGET_MS: '500',
  });
}, 240_000);
afterAll(async () => {
  await h?.close();
  await servers?.stop();
});

function pushes(from: number, n: number): FakePush[] {
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return {
      owner: `outage${i % 2}`,
      repo: `r${i % 3}`,
      repoId: 4000 + (i % 3),
      commits: [0, 1].map((j) => ({
        author: `dev${(i + j) % 4}`,
        timestamp: new Date(Date.UTC(2026, 0, 1 + (i % 5), j)).toISOString(),
        sha: fakeSha(`outage-${i}-${j}`),
      })),
    };
  });
}

async function metrics(port: number): Promise<string> {
  return (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
}

async function readyStatus(port: number): Promise<number> {
  return (await fetch(`http://127.0.0.1:${port}/readyz`)).status;
}

describe('projector outages', () => {
  for (const which of ['redis', 'mongo'] as const) {
    it(`projector outages - ${which} stopped mid-run and restarted: exact counts, nothing dead-lettered`, async () => {
      const all = [
        ...(which === 'redis' ? [] : pushes(0, 150)),
        ...pushes(which === 'redis' ? 0 : 150, 150),
      ];
      const fresh = all.slice(-150);
      const before = (await h.models()).commits.length;
      const projector = await h.start();
      for (const p of fresh.slice(0, 75)) await h.append(p);
      // Mid-run: some of this round's commits written, then the server goes, more events come.
      await waitFor(
        async () => (await h.db.collection('commits').countDocuments()) >= before + 20,
        60_000,
        'progress',
      );
      await servers[which].stop();
      for (const p of fresh.slice(75)) await h.append(p);
      await waitFor(
        async () => (await readyStatus(projector.port)) === 503,
        30_000,
        'readiness to drop',
      );
      await servers[which].restart();
      await waitFor(
        async () => (await readyStatus(projector.port)) === 200,
        60_000,
        'readiness to return',
      );
      await h.settled(120_000);
      expect(await h.models()).toEqual(projectInMemory(all.map((p) => pushReceived(p))));
      expect(await h.deadLetters()).toEqual([]);
      if (which === 'redis') {
        // Back from its AOF with a new run_id: its last second may be lost (everysec), so the
        // periodic check rebuilds the counters anyway; they stay exact.
        await waitFor(
          async () =>
            /redis_rebuilds_total\{[^}]*reason="redis_restarted"[^}]*\} 1/.test(
              await metrics(projector.port),
            ),
          20_000,
          'a rebuild after the Redis restart',
        );
        expect((await h.models()).counters).toEqual(
          projectInMemory(all.map((p) => pushReceived(p))).counters,
        );
      }
      await projector.stop();
    }, 240_000);
  }
});
