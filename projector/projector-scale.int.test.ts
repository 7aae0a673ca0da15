import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeSha, type FakePush } from '../platform/github/push-payload.ts';
import { useServers, type TestServers } from '../test/support/servers.ts';
import { projectInMemory } from './projections/in-memory-read-models.ts';
import { spawnProjector, type ChildProjector } from './testing/child-projector.ts';
import { pushReceived } from './testing/events.ts';
import { projectorHarness, waitFor, type Harness } from './testing/harness.ts';

let servers: TestServers;
let h: Harness;
const children: ChildProjector[] = [];

beforeAll(async () => {
  servers = await useServers();
  h = await projectorHarness(servers, { PROJECTOR_BATCH_SIZE: '100' });
});
afterAll(async () => {
  await Promise.all(children.map((c) => c.stop()));
  await h?.close();
  await servers?.stop();
});

const EVENTS = 2000;

function push(i: number): FakePush {
  const repo = i % 6;
  // Every fourth push repeats the commits of the push six before it: same repo, another branch.
  const again = i % 4 === 3 && i >= 6;
  return {
    owner: `team${repo % 3}`,
    repo: `svc${repo}`,
    repoId: 9000 + repo,
    ...(again ? { ref: 'refs/heads/release' } : {}),
    commits: [0, 1].map((j) => {
      const origin = again ? i - 6 : i;
      return {
        author: `dev${(origin + j) % 7}`,
        timestamp: new Date(Date.UTC(2026, 1, 1 + (origin % 10), j)).toISOString(),
        sha: fakeSha(`scale-${origin}-${j}`),
        message: `change ${origin}/${j}`,
        distinct: !again,
      };
    }),
  };
}

describe('projector scale', () => {
  it('projector scale - two projector processes on one durable, one restarted by SIGTERM: exact counts', async () => {
    const all = Array.from({ length: EVENTS }, (_, i) => push(i));
    const a = await spawnProjector(h.cfg);
    const b = await spawnProjector(h.cfg);
    children.push(a, b);
    for (const p of all) await h.append(p);
    // Stop one mid-run: it finishes or abandons its batch; the other carries on.
    await waitFor(
      async () => (await h.db.collection('commits').countDocuments()) > 600,
      120_000,
      'progress',
    );
    expect(await a.stop()).toBe(0);
    const c = await spawnProjector(h.cfg);
    children.push(c);
    await h.settled(180_000);
    const indexes = (await h.db.collection('commits').indexes()).map((i) => i.name);
    expect(indexes).toContain('repo_sha');
    const models = await h.models();
    const expected = projectInMemory(all.map((p) => pushReceived(p)));
    // 499 of the 2000 pushes only repeat earlier commits.
    expect(models.commits).toHaveLength((EVENTS - 499) * 2);
    expect(models).toEqual(expected);
    expect(await h.deadLetters()).toEqual([]);
  }, 300_000);
});
