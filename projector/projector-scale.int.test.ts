import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeSha, type FakePush } from '../cli/push-payload.ts';
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

/** Pushes where every fourth one repeats commits of an earlier push (another branch). */
function push(i: number): FakePush {
  const repo = i % 6;
  const again = i % 4 === 3;
  return {
    owner: `team${repo % 3}`,
    repo: `svc${repo}`,
    repoId: 9000 + repo,
    ...(again ? { ref: 'refs/heads/release' } : {}),
    commits: [0, 1].map((j) => {
      const origin = again ? i - 3 : i;
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
    await waitFor(async () => (await h.db.collection('commits').countDocuments()) > 600, 120_000, 'progress');
    expect(await a.stop()).toBe(0);
    const c = await spawnProjector(h.cfg);
    children.push(c);
    await h.settled(180_000);
    const models = await h.models();
    const expected = projectInMemory(all.map((p) => pushReceived(p)));
    expect(models.commits).toHaveLength(EVENTS * 2 * 0.75);
    expect(models).toEqual(expected);
    expect(await h.deadLetters()).toEqual([]);
  }, 300_000);
});
