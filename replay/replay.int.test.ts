import { inflateRawSync } from 'node:zlib';
import type { Binary } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentTarget, targetFor } from '../platform/read-model-target.ts';
import { projectInMemory, pushReceived, shuffled, type Harness } from '../projector/testing/mod.ts';
import { Collections } from '../schemas/read-models.ts';
import { ControlSubjects, ReadModelSwitched } from '../schemas/replay.ts';
import { cleanupReadModels, listReadModelVersions, rollbackReadModels } from './admin.ts';
import type { ReplayContext } from './replay-context.ts';
import { runReplay } from './run-replay.ts';
import { corpus, withoutNamespace } from './testing/corpus.ts';
import { replayHarness, type ReplayHarness } from './testing/replay-harness.ts';
import { withoutNamespace as keyWithoutNamespace } from '../schemas/redis-keys.ts';

let r: ReplayHarness;
let h: Harness;
let ctx: ReplayContext;
const pushes = corpus(45, 'rebuild');

beforeAll(async () => {
  r = await replayHarness();
  ({ h, ctx } = r);
  // Deliveries in shuffled order, some delivered twice (same id: the log dedupes), some
  // re-sent with a new id, plus one payload the schema rejects (dead-lettered live).
  const order = shuffled(
    pushes.map((p, i) => ({ p, i })),
    42,
  );
  for (const { p, i } of order) {
    await h.append(p, `rebuild-${i}`);
    if (i % 9 === 0) await h.append(p, `rebuild-${i}`);
    if (i % 11 === 0) await h.append(p, `rebuild-${i}-resent`);
  }
  await h.appendBody('org0', 'repo-0', Buffer.from('{"zen":"not a push"}'), 'rebuild-poison');
  await r.projectLive();
});
afterAll(async () => {
  await r?.close();
});

describe('replay', () => {
  it('replay - a rebuild gives the same documents, counters and snapshots as live projection', async () => {
    const live = await h.models(targetFor(0));
    // Independent reference: the pure projections over the distinct pushes.
    expect(live).toEqual(projectInMemory(pushes.map((p) => pushReceived(p))));
    expect(live.commits.length).toBeGreaterThan(60);
    expect(
      Object.keys(live.counters).filter((k) => k.includes(':dev:email:nobody@example.com:')),
    ).not.toEqual([]);

    const switched = (async () => {
      const sub = h.nc.subscribe(ControlSubjects.readModel, { max: 1, timeout: 60_000 });
      for await (const m of sub) return ReadModelSwitched.parse(m.json());
      return undefined;
    })();
    // Small batches, so batch boundaries differ from the live ones.
    const summary = await runReplay(ctx, { batchSize: 7 });
    expect(summary).toMatchObject({
      version: 1,
      previous: 0,
      switched: true,
      dryRun: false,
      skipped: 1,
    });
    expect(summary.commits).toBe(live.commits.length);
    expect(summary.handoff?.liveConsumer).toBe(true);
    expect(await switched).toMatchObject({
      type: 'READ_MODEL_SWITCHED',
      version: 1,
      previous: 0,
      reason: 'replay',
    });
    expect((await currentTarget(h.db)).version).toBe(1);
    const rebuilt = withoutNamespace(await h.models(targetFor(1)), targetFor(1));
    expect(rebuilt).toEqual(live);
    // Version 0 is kept as it was, for a rollback.
    expect(await h.models(targetFor(0))).toEqual(live);
  });

  it('replay - a dry run reports planted differences and switches nothing', async () => {
    const target = targetFor(1);
    const commits = h.db.collection(target.commits);
    const victim = await commits.findOne({}, { sort: { sha: 1 } });
    await commits.deleteOne({ _id: victim!._id });
    await commits.updateOne({ sha: { $gt: victim!.sha } }, { $set: { filesCount: 999 } });
    const [key] = Object.keys((await h.models(target)).counters);
    await h.redis.set(key!, '77');
    // Live days still in the forms of before (a deployment not yet replayed): the nested
    // payload and the JSON text. The rebuild writes them deflated, which is no difference.
    const snaps = h.db.collection<{ _id: string; [field: string]: unknown }>(target.snapshots);
    let older = 0;
    for (const { _id, payloadDeflated, ...rest } of await snaps
      .find({ metricName: 'dashboard_day' })
      .toArray()) {
      const text = inflateRawSync((payloadDeflated as Binary).buffer).toString();
      const form =
        older++ % 2 === 0 ? { payload: JSON.parse(text) as unknown } : { payloadJson: text };
      await snaps.replaceOne({ _id }, { ...rest, ...form });
    }
    expect(older).toBeGreaterThan(1);

    const summary = await runReplay(ctx, { dryRun: true, batchSize: 50 });
    expect(summary).toMatchObject({ dryRun: true, switched: false, version: 2, previous: 1 });
    const d = summary.differences!;
    expect(d.commits).toMatchObject({ added: 1, removed: 0, changed: 1 });
    expect(d.commits.examples).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'added', key: `${victim!.repoId}\u0000${victim!.sha}` }),
        expect.objectContaining({
          kind: 'changed',
          fields: [expect.objectContaining({ field: 'filesCount', current: 999 })],
        }),
      ]),
    );
    expect(d.counters).toMatchObject({ added: 0, removed: 0, changed: 1 });
    expect(d.counters.examples[0]).toMatchObject({
      kind: 'changed',
      key: keyWithoutNamespace(key!, target.redisNamespace),
      fields: [expect.objectContaining({ current: 77 })],
    });
    // The snapshots were recomputed from the same (altered) commits live: no difference
    // there, the days of the nested form included.
    expect(d.snapshots).toMatchObject({ added: 0, removed: 0, changed: 0 });
    expect(d.total).toBe(3);
    expect((await currentTarget(h.db)).version).toBe(1);
    // The dry-run target is dropped afterwards.
    const names = (await h.db.listCollections().toArray()).map((c) => c.name);
    expect(names).not.toContain(`${Collections.commits}_v2`);
    expect(await h.redis.keys('v2:*')).toEqual([]);
  });

  it('replay - rollback returns to the previous version with what it missed, cleanup drops the rest', async () => {
    // An event while version 1 is live (written there by the catch-up of the switch back).
    const extra = corpus(50, 'after-switch').slice(45);
    for (const p of extra) await h.append(p);
    const live = await h.start({ http: false });
    await h.settled();
    await live.stop();
    const expected = projectInMemory([...pushes, ...extra].map((p) => pushReceived(p)));

    const back = await rollbackReadModels(ctx, { batchSize: 20 });
    expect(back).toMatchObject({ version: 0, previous: 1 });
    expect((await currentTarget(h.db)).version).toBe(0);
    expect(await h.models(targetFor(0))).toEqual(expected);

    const versions = await listReadModelVersions(ctx);
    expect(versions.map((v) => [v.version, v.state])).toEqual([
      [0, 'live'],
      [1, 'standby'],
    ]);
    expect(await cleanupReadModels(ctx)).toEqual({ dropped: [], kept: [0, 1] });
    expect(await cleanupReadModels(ctx, { keepPrevious: false })).toEqual({
      dropped: [1],
      kept: [0],
    });
    expect(await h.redis.keys('v1:*')).toEqual([]);
    expect(await h.models(targetFor(0))).toEqual(expected);
  });
});
