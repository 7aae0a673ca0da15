import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentTarget, targetFor } from '../platform/read-model-target.ts';
import type { Harness } from '../projector/testing/mod.ts';
import { Collections } from '../schemas/read-models.ts';
import { ReplayError, ReplayErrorCode } from './errors.ts';
import type { ProgressSink } from './progress.ts';
import type { ReplayContext } from './replay-context.ts';
import { runReplay } from './run-replay.ts';
import { corpus, withoutNamespace } from './testing/corpus.ts';
import { replayHarness, type ReplayHarness } from './testing/replay-harness.ts';
import { getVersion } from './version-registry.ts';

let r: ReplayHarness;
let h: Harness;
let ctx: ReplayContext;

beforeAll(async () => {
  r = await replayHarness();
  ({ h, ctx } = r);
  for (const p of corpus(40, 'interrupt')) await h.append(p);
  await r.projectLive();
});
afterAll(async () => {
  await r?.close();
});

/** A progress sink that aborts (as Ctrl-C does) after `batches` batches. */
function interruptAfter(batches: number): { signal: AbortSignal; progress: ProgressSink } {
  const abort = new AbortController();
  let seen = 0;
  return {
    signal: abort.signal,
    progress: { begin() {}, end() {}, update: () => void (++seen >= batches && abort.abort()) },
  };
}

async function collections(): Promise<string[]> {
  return (await h.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
}

describe('replay interrupted', () => {
  it('replay - an interrupted replay leaves live untouched; a rerun starts clean or resumes', async () => {
    const live = await h.models(targetFor(0));

    const first = interruptAfter(3);
    const err = await runReplay(ctx, { batchSize: 8, ...first }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplayError);
    expect((err as ReplayError).code).toBe(ReplayErrorCode.interrupted);
    expect((await currentTarget(h.db)).version).toBe(0);
    expect(await h.models(targetFor(0))).toEqual(live);
    expect((await getVersion(h.db, 1))?.state).toBe('building');
    const partial = await h.models(targetFor(1));
    expect(partial.commits.length).toBeGreaterThan(0);
    expect(partial.commits.length).toBeLessThan(live.commits.length);

    // A rerun without --resume drops the unfinished version (its number is free again)
    // and starts clean: after one batch, the new version 1 holds fewer commits than the
    // old one did after three.
    const created = (await getVersion(h.db, 1))!.createdAt;
    const second = interruptAfter(1);
    await expect(runReplay(ctx, { batchSize: 8, ...second })).rejects.toThrow(/interrupted/);
    const again = (await getVersion(h.db, 1))!;
    expect(again.state).toBe('building');
    expect(again.createdAt.getTime()).toBeGreaterThan(created.getTime());
    expect((await h.models(targetFor(1))).commits.length).toBeLessThan(partial.commits.length);
    expect(await collections()).not.toContain(`${Collections.commits}_v2`);
    expect(await h.models(targetFor(0))).toEqual(live);

    // --resume continues version 1 from its checkpoint and switches.
    const summary = await runReplay(ctx, { batchSize: 8, resume: true });
    expect(summary).toMatchObject({ version: 1, resumed: true, switched: true, dropped: [] });
    expect(summary.resumedAfter).toBe(8); // the first batch was not read again
    expect(summary.events).toBe(40); // the counts include those of the interrupted run
    expect(withoutNamespace(await h.models(targetFor(1)), targetFor(1))).toEqual(live);

    await expect(runReplay(ctx, { resume: true })).rejects.toMatchObject({
      code: ReplayErrorCode.nothingToResume,
    });
  });

  it('replay - a resumed replay still counts the event the interrupted run skipped', async () => {
    // Log seq 41: a payload the schema rejects (dead-lettered live); then 12 more pushes.
    await h.appendBody('Org0', 'repo-0', Buffer.from('{"zen":"not a push"}'), 'interrupt-poison');
    for (const p of corpus(52, 'interrupt-more').slice(40)) await h.append(p);
    // Batches of 8: the 6th ends at seq 48, after the skipped event.
    await expect(runReplay(ctx, { batchSize: 8, ...interruptAfter(6) })).rejects.toThrow(
      /interrupted/,
    );
    const summary = await runReplay(ctx, { batchSize: 8, resume: true });
    expect(summary).toMatchObject({ resumed: true, resumedAfter: 48, skipped: 1, events: 53 });
  });
});
