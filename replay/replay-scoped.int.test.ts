import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentTarget, targetFor } from '../platform/read-model-target.ts';
import { projectInMemory, pushReceived, type Harness } from '../projector/testing/mod.ts';
import type { CommitDoc, MetricSnapshot } from '../schemas/read-models.ts';
import type { ReplayContext } from './replay-context.ts';
import { runReplay } from './run-replay.ts';
import { fakeSha } from '../platform/github/push-payload.ts';
import { corpus, withoutNamespace } from './testing/corpus.ts';
import { replayHarness, type ReplayHarness } from './testing/replay-harness.ts';

let r: ReplayHarness;
let h: Harness;
let ctx: ReplayContext;
const pushes = corpus(40, 'scoped');
const expected = projectInMemory(pushes.map((p) => pushReceived(p)));
/** Log sequence of each push. */
const seqs: number[] = [];

beforeAll(async () => {
  r = await replayHarness();
  ({ h, ctx } = r);
  for (const [i, p] of pushes.entries()) seqs.push((await h.append(p, `scoped-${i}`)).seq);
  await r.projectLive();
});
afterAll(async () => {
  await r?.close();
});

/** Deletes one stored commit of an org from a target (a read model that lost something). */
async function loseCommit(version: number, orgId: string): Promise<CommitDoc> {
  const commits = h.db.collection<CommitDoc>(targetFor(version).commits);
  const victim = (await commits.findOne({ orgId }, { sort: { sha: 1 } }))!;
  await commits.deleteOne({ _id: victim._id });
  return victim;
}

const ofOrg = (orgId: string) => (s: MetricSnapshot) => s.orgId === orgId;

describe('scoped replay', () => {
  it('scoped replay - --org rebuilds that org from the log and carries the others over as they are', async () => {
    expect(await h.models(targetFor(0))).toEqual(expected);
    const lostInScope = await loseCommit(0, 'org1');
    const lostElsewhere = await loseCommit(0, 'org2');
    // A snapshot of org1 that went wrong: the replay recomputes org1's snapshots.
    await h.db
      .collection<MetricSnapshot>(targetFor(0).snapshots)
      .updateMany({ orgId: 'org1' }, { $set: { metricValue: -1 } });

    const summary = await runReplay(ctx, { scope: { org: 'org1' }, batchSize: 4 });
    expect(summary).toMatchObject({ version: 1, previous: 0, switched: true });
    // Only org1's pushes were read (subject filter): every 5 pushes, repos 1 and 4 are org1's.
    const org1Pushes = pushes.filter((p) => p.owner === 'Org1').length;
    expect(summary.events).toBe(org1Pushes);
    expect((await currentTarget(h.db)).version).toBe(1);

    const rebuilt = withoutNamespace(await h.models(targetFor(1)), targetFor(1));
    // org1 is whole again; org2 keeps what live had (its lost commit stays lost).
    const key = (c: CommitDoc) => `${c.repoId}:${c.sha}`;
    expect(rebuilt.commits.map(key)).toContain(key(lostInScope));
    expect(rebuilt.commits.map(key)).not.toContain(key(lostElsewhere));
    expect(rebuilt.commits).toEqual(expected.commits.filter((c) => key(c) !== key(lostElsewhere)));
    expect(rebuilt.snapshots.filter(ofOrg('org1'))).toEqual(
      expected.snapshots.filter(ofOrg('org1')),
    );
    // Other orgs' snapshots are copies of live's, computed before the loss.
    expect(rebuilt.snapshots.filter((s) => s.orgId !== 'org1')).toEqual(
      expected.snapshots.filter((s) => s.orgId !== 'org1'),
    );
    expect(rebuilt.counters).toEqual(expected.counters);
  });

  it('scoped replay - --projections snapshots rebuilds every snapshot from empty', async () => {
    const live = (await currentTarget(h.db)).version;
    await h.db
      .collection<MetricSnapshot>(targetFor(live).snapshots)
      .updateMany({}, { $set: { metricValue: -1 } });

    const summary = await runReplay(ctx, { projections: ['snapshots'], batchSize: 16 });
    expect(summary).toMatchObject({ previous: live, switched: true });
    const target = targetFor(summary.version);
    // Snapshots rebuilt from empty over the commits: the copied ones plus those the log
    // holds (so org2's lost commit is back too: every write of a rebuild is idempotent).
    expect(withoutNamespace(await h.models(target), target)).toEqual(expected);
  });

  it('scoped replay - --from-seq re-applies the log from there onto a copy of live', async () => {
    // Pushes 3 and 30 are the only ones holding their commits (no later repeats).
    const early = { repoId: String(7000 + (3 % 5)), sha: fakeSha('scoped-3-0') };
    const late = { repoId: String(7000 + (30 % 5)), sha: fakeSha('scoped-30-0') };
    const live = targetFor((await currentTarget(h.db)).version);
    const commits = h.db.collection<CommitDoc>(live.commits);
    expect(await commits.deleteOne(early)).toMatchObject({ deletedCount: 1 });
    expect(await commits.deleteOne(late)).toMatchObject({ deletedCount: 1 });

    const summary = await runReplay(ctx, { fromSeq: seqs[20]!, batchSize: 8 });
    expect(summary).toMatchObject({ switched: true, events: pushes.length - 20 });
    const target = targetFor(summary.version);
    const rebuilt = withoutNamespace(await h.models(target), target);
    const has = (c: { repoId: string; sha: string }) =>
      rebuilt.commits.some((r) => r.repoId === c.repoId && r.sha === c.sha);
    expect(has(late)).toBe(true); // its push is after --from-seq: applied again
    expect(has(early)).toBe(false); // before it: the copy of live is all there is
    expect(rebuilt.commits).toHaveLength(expected.commits.length - 1);
    expect(rebuilt.counters).toEqual(expected.counters);
  });
});
