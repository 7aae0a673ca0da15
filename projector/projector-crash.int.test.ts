import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeSha, type FakePush } from '../platform/github/push-payload.ts';
import { useServers, type TestServers } from '../test/support/servers.ts';
import { projectInMemory } from './projections/in-memory-read-models.ts';
import { spawnProjector, type ChildProjector } from './testing/child-projector.ts';
import { pushReceived } from './testing/events.ts';
import { projectorHarness, type Harness } from './testing/harness.ts';

let servers: TestServers;
let h: Harness;
const children: ChildProjector[] = [];

beforeAll(async () => {
  servers = await useServers();
  // A short ack wait so each crash is followed by a redelivery within a second.
  h = await projectorHarness(servers, {
    PROJECTOR_ACK_WAIT_MS: '1000',
    PROJECTOR_BATCH_SIZE: '50',
  });
});
afterAll(async () => {
  await Promise.all(children.map((c) => c.stop()));
  await h?.close();
  await servers?.stop();
});

function push(i: number): FakePush {
  return {
    owner: 'crashy',
    repo: 'app',
    repoId: 31337,
    commits: [
      { author: `dev${i % 3}`, timestamp: '2026-01-05T12:00:00Z', sha: fakeSha(`crash-${i}`) },
    ],
  };
}

describe('projector crash', () => {
  it('projector crash - a message that kills the process on every delivery ends in the DLQ via the advisory', async () => {
    const good: FakePush[] = [];
    for (let i = 0; i < 5; i++) good.push(push(i));
    for (const p of good) await h.append(p);
    const killer = await h.append(push(99), 'killer-delivery');
    for (let i = 5; i < 10; i++) good.push(push(i));
    for (const p of good.slice(5)) await h.append(p);

    const crashes: (number | string)[] = [];
    const deadline = Date.now() + 90_000;
    let letters = await h.deadLetters();
    while (letters.length === 0 && Date.now() < deadline) {
      const child = await spawnProjector(h.cfg, { TEAMPULSE_TEST_CRASH_ON: 'killer-delivery' });
      children.push(child);
      // Either it dies on the killer, or it lives and the advisory gets it dead-lettered.
      const outcome = await Promise.race([
        child.exited,
        new Promise<'alive'>((r) => setTimeout(() => r('alive'), 4000)),
      ]);
      if (outcome !== 'alive') crashes.push(outcome);
      letters = await h.deadLetters();
      if (outcome === 'alive' && letters.length === 0) {
        // Still running: give the advisory a little longer before another round.
        await new Promise((r) => setTimeout(r, 2000));
        letters = await h.deadLetters();
      }
    }
    expect(crashes).toEqual([70, 70, 70]);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      streamSeq: killer.seq,
      deliveryId: 'killer-delivery',
      errorCode: 'max_deliveries',
      attempts: 3,
    });
    // The projector keeps going: every other event applied exactly once.
    await h.appendBody('crashy', 'app', Buffer.from('{}'), 'after-crash-poison');
    const expected = projectInMemory(good.map((p) => pushReceived(p)));
    const live = children.at(-1)!;
    expect(live.child.exitCode).toBeNull();
    let models = await h.models();
    for (let i = 0; i < 100 && JSON.stringify(models) !== JSON.stringify(expected); i++) {
      await new Promise((r) => setTimeout(r, 100));
      models = await h.models();
    }
    expect(models).toEqual(expected);
    const after = await h.deadLetters();
    for (let i = 0; i < 100 && after.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      after.splice(0, after.length, ...(await h.deadLetters()));
    }
    expect(after.map((l) => [l.deliveryId, l.errorCode])).toEqual([
      ['killer-delivery', 'max_deliveries'],
      ['after-crash-poison', 'schema_invalid'],
    ]);
  });
});
