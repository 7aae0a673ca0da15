import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentTarget, targetFor } from '../platform/read-model-target.ts';
import {
  commitKey,
  projectInMemory,
  pushReceived,
  waitFor,
  type Harness,
} from '../projector/testing/mod.ts';
import type { ReplayContext } from './replay-context.ts';
import { runReplay } from './run-replay.ts';
import { corpus, withoutNamespace } from './testing/corpus.ts';
import { replayHarness, type ReplayHarness } from './testing/replay-harness.ts';

let r: ReplayHarness;
let h: Harness;
let ctx: ReplayContext;

beforeAll(async () => {
  r = await replayHarness({ PROJECTOR_BATCH_SIZE: '5' });
  ({ h, ctx } = r);
});
afterAll(async () => {
  await r?.close();
});

describe('replay while live', () => {
  it('replay - events arriving during the rebuild and across the switch are neither lost nor doubled', async () => {
    const before = corpus(200, 'before');
    const pool = corpus(250, 'during');
    for (const p of before) await h.append(p);
    await h.start({ http: false });
    await h.settled();

    // Live traffic keeps arriving, through the rebuild, the switch and after it.
    let sent = 0;
    let sentWhileReplaying = 0;
    let replaying = true;
    const traffic = (async () => {
      // Until 10 pushes after the switch (or the pool runs out).
      while (sent < pool.length && sent - sentWhileReplaying < 10) {
        await h.append(pool[sent]!);
        sent++;
        if (replaying) sentWhileReplaying++;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    await waitFor(() => sent >= 5, 20_000, 'traffic');
    const summary = await runReplay(ctx, { batchSize: 10, maxPasses: 3 });
    replaying = false;
    await traffic;
    await h.settled();

    expect(summary.switched).toBe(true);
    expect(summary.handoff).toMatchObject({ liveConsumer: true, timedOut: false });
    expect(sentWhileReplaying).toBeGreaterThan(5);
    expect(sent - sentWhileReplaying).toBe(10); // and some after the switch
    expect((await currentTarget(h.db)).version).toBe(summary.version);

    const target = targetFor(summary.version);
    const models = withoutNamespace(await h.models(target), target);
    // Independent count: distinct (repoId, sha) of everything sent.
    const all = [...before, ...pool.slice(0, sent)];
    const distinct = new Set(all.flatMap((p) => p.commits.map((c) => `${p.repoId}:${c.sha!}`)));
    expect(models.commits.map(commitKey).sort()).toEqual([...distinct].sort());
    expect(Object.values(models.counters).reduce((a, b) => a + b, 0)).toBe(distinct.size);
    expect(models).toEqual(projectInMemory(all.map((p) => pushReceived(p))));
  }, 120_000);
});
