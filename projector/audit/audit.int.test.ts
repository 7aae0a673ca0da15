import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Binary } from 'mongodb';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeSha, type FakePush } from '../../platform/github/push-payload.ts';
import { createLogger } from '../../platform/logger.ts';
import { useServers, type TestServers } from '../../test/support/servers.ts';
import { targetFor } from '../../platform/read-model-target.ts';
import { addDays, utcDay } from '../../schemas/utc-day.ts';
import type { ProjectorHandle } from '../main.ts';
import { projectInMemory, type ReadModels } from '../projections/in-memory-read-models.ts';
import { pushReceived, shuffled } from '../testing/events.ts';
import { projectorHarness, waitFor, type Harness } from '../testing/harness.ts';
import { PendingSnapshots } from '../stores/pending-snapshots.ts';
import { SnapshotWriter } from '../stores/snapshot-writer.ts';
import { auditOrg, type AuditTally } from './audit-run.ts';
import type { AuditResult } from './auditor.ts';

let servers: TestServers;
let h: Harness;
let p: ProjectorHandle;
const appended: FakePush[] = [];

interface Line extends Partial<AuditResult> {
  level: number;
  msg: string;
  orgId?: string;
}
const lines: Line[] = [];
const sink = new Writable({
  write(chunk: Buffer, _enc, done) {
    for (const line of chunk.toString().split('\n'))
      if (line.trim() !== '') lines.push(JSON.parse(line) as Line);
    done();
  },
});

const today = utcDay(new Date());
/** 4 orgs × 5 recent days = 20 org-days: one run (20 per run) audits them all. */
function corpus(tag: string, n: number): FakePush[] {
  return shuffled(
    Array.from({ length: n }, (_, i) => ({
      owner: `audit${i % 4}`,
      repo: `r${i % 3}`,
      repoId: 8000 + (i % 4) * 10 + (i % 3),
      commits: [0, 1, 2].map((j) => ({
        author: `dev${(i + j) % 5}`,
        timestamp: `${addDays(today, -((i + j) % 5))}T0${j}:00:00.000Z`,
        sha: fakeSha(`${tag}-${i}-${j}`),
        files: { modified: [`m${(i + j) % 4}/f.ts`] },
      })),
    })),
    tag.length * 104_729,
  );
}

async function appendAll(pushes: readonly FakePush[]): Promise<void> {
  for (const push of pushes) {
    await h.append(push);
    appended.push(push);
  }
}

const expected = (): ReadModels => projectInMemory(appended.map((x) => pushReceived(x)));
const runs = () => lines.filter((l) => l.msg === 'audit run');

/** The value of a metric with `model="<model>"` (the registry adds a `role` label too). */
async function metric(name: string, model: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${p.port}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && l.includes(`model="${model}"`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}
const drift = (model: string) => metric('teampulse_projector_audit_drift_total', model);
const repaired = (model: string) => metric('teampulse_projector_audit_repaired_total', model);

async function afterRuns(k: number): Promise<void> {
  const target = runs().length + k;
  await waitFor(() => runs().length >= target, 30_000, `${k} more audit runs`);
}

beforeAll(async () => {
  servers = await useServers();
  h = await projectorHarness(servers, {
    PROJECTOR_AUDIT_INTERVAL_MS: '300',
    PROJECTOR_AUDIT_ORG_DAYS_PER_RUN: '20',
  });
  p = await h.start({ logger: createLogger({ level: 'debug', role: 'projector' }, sink) });
  await appendAll(corpus('base', 240));
  await h.settled();
  await waitFor(
    async () => {
      expect(await h.models()).toEqual(expected());
      return true;
    },
    30_000,
    'the read models',
  );
}, 240_000);
afterAll(async () => {
  await h?.close();
  await servers?.stop();
});

describe('continuous audit', () => {
  it('finds no drift in exact read models, and says what a run costs', async () => {
    await afterRuns(2);
    const before = [await drift('snapshots'), await drift('counters')];
    await afterRuns(3);
    expect([await drift('snapshots'), await drift('counters')]).toEqual(before);
    const last = runs().at(-1)!;
    expect(last.orgDays).toBe(20);
    expect(last.snapshots!.checked).toBeGreaterThan(20);
    expect(last.counters!.checked).toBeGreaterThan(20);
    expect(last.snapshots!.drift + last.counters!.drift).toBe(0);
    expect(await metric('teampulse_projector_audit_last_drift', 'counters')).toBe(0);
    const commits = expected().commits.length;
    console.log(
      `audit cost (FerretDB/MongoDB, ${commits} commits, 20 org-days): run ${last.ms} ms, ` +
        `${last.reads!.mongoQueries} MongoDB queries returning ${last.reads!.mongoDocs} docs, ` +
        `${last.reads!.redisCalls} Redis calls; first run (with the pool scan): ` +
        `${JSON.stringify(runs()[0]!.reads)} in ${runs()[0]!.ms} ms`,
    );
    expect(await h.models()).toEqual(expected());
  }, 120_000);

  it('detects and repairs snapshots and counters damaged behind its back', async () => {
    const snaps = h.db.collection<{ _id: string; metricName: string; metricValue: number }>(
      targetFor(0).snapshots,
    );
    // Read first: a run may find the damage as soon as it is done.
    const before = {
      snapshots: await drift('snapshots'),
      counters: await drift('counters'),
      fixedSnapshots: await repaired('snapshots'),
      fixedCounters: await repaired('counters'),
    };
    const recent = await snaps.findOne({ metricName: 'recent_commits' });
    const day = await snaps.findOne({ metricName: 'dashboard_day' });
    await snaps.deleteOne({ _id: recent!._id });
    await snaps.updateOne({ _id: day!._id }, { $set: { metricValue: day!.metricValue + 7 } });
    // Another day's rollup, stored deflated: one developer's count changed inside it.
    const other = (await snaps.findOne({
      metricName: 'dashboard_day',
      _id: { $ne: day!._id },
    })) as unknown as { _id: string; payloadDeflated: Binary };
    const damaged = JSON.parse(inflateRawSync(other.payloadDeflated.buffer).toString()) as {
      developers: { commits: number }[];
    };
    damaged.developers[0]!.commits += 1;
    await snaps.updateOne(
      { _id: other._id },
      { $set: { payloadDeflated: deflateRawSync(JSON.stringify(damaged)) } },
    );
    const counters = Object.keys(expected().counters).filter((k) => k.includes('audit'));
    const [gone, high, lostMember] = [counters[0]!, counters[5]!, counters[10]!];
    await h.redis.del(gone);
    await h.redis.incrby(high, 3);
    // A seen member removed while its counter keeps it: re-adding it must not count it again.
    const seenKey = lostMember.replace(/:dev:.*:commits:/, ':commits:') + ':seen';
    const member = await h.redis.srandmember(seenKey);
    await h.redis.srem(seenKey, member!);
    // A member no commit has (counted by mistake): removed, and no counter keeps it.
    const otherSeen = high.replace(/:dev:.*:commits:/, ':commits:') + ':seen';
    await h.redis.sadd(otherSeen, '9999:0000000000000000000000000000000000000000');

    await waitFor(
      async () => {
        expect(await h.models()).toEqual(expected());
        expect(await h.redis.sismember(seenKey, member!)).toBe(1);
        expect(
          await h.redis.sismember(otherSeen, '9999:0000000000000000000000000000000000000000'),
        ).toBe(0);
        return true;
      },
      30_000,
      'the audit to repair the read models',
    );
    // Repaired mid-run; the metrics are recorded at the run's end.
    await afterRuns(1);
    expect((await drift('snapshots')) - before.snapshots).toBeGreaterThanOrEqual(3);
    expect((await drift('counters')) - before.counters).toBeGreaterThanOrEqual(3);
    expect((await repaired('snapshots')) - before.fixedSnapshots).toBeGreaterThanOrEqual(3);
    expect((await repaired('counters')) - before.fixedCounters).toBeGreaterThanOrEqual(3);
    const warned = lines.filter((l) => l.level === 40 && l.msg.startsWith('audit:'));
    expect(warned.map((l) => l.msg)).toEqual(
      expect.arrayContaining([
        'audit: snapshots differ from commits, recomputing them',
        'audit: counters differ from commits, corrected',
      ]),
    );
    // Repaired for good: the next runs find nothing.
    await afterRuns(2);
    const settledDrift = [await drift('snapshots'), await drift('counters')];
    await afterRuns(2);
    expect([await drift('snapshots'), await drift('counters')]).toEqual(settledDrift);
  }, 180_000);

  it('never makes the read models wrong, nor reports drift, while pushes are being projected', async () => {
    const runsBefore = runs().length;
    const linesBefore = lines.length;
    const driftBefore = [await drift('snapshots'), await drift('counters')];
    // Appended while the audit runs: it audits the org-days the batches are writing.
    await Promise.all([appendAll(corpus('live', 300)), afterRuns(3)]);
    await h.settled();
    const during = runs().slice(runsBefore);
    console.log(
      `audit under load: ${during.length} runs (ms ${during.map((r) => r.ms).join('/')}), ` +
        `org-days left to a later run while a batch was writing them: ` +
        `${during.map((r) => r.inFlight).join('/')}`,
    );
    expect(during.length).toBeGreaterThan(0);
    await afterRuns(2);
    expect(await h.models()).toEqual(expected());
    // Commits a batch has stored but not yet counted or recomputed are no drift: the audit
    // leaves those org-days alone (they were exact before, and the batches keep them so).
    const reported = lines.slice(linesBefore).filter((l) => l.msg.startsWith('audit:'));
    expect(reported.map((l) => ({ msg: l.msg, orgId: l.orgId }))).toEqual([]);
    expect([await drift('snapshots'), await drift('counters')]).toEqual(driftBefore);
    expect(during.some((r) => (r.inFlight ?? 0) > 0)).toBe(true);
  }, 180_000);

  it('leaves an org-day a batch is writing to a later run, and repairs it if the batch never finishes', async () => {
    // The background audit would race this test's own runs.
    await p.stop();
    const target = targetFor(0);
    const commits = h.db.collection<Record<string, unknown>>(target.commits);
    const { _id, ...doc } = (await commits.findOne({}))!;
    const day = utcDay(doc.timestamp as Date);
    const orgId = doc.orgId as string;
    const repoId = doc.repoId as string;
    const sha = fakeSha('audit-in-flight');
    const keys = {
      repos: [{ orgId, repoId, days: [day], commitKeys: [], lineage: [] }],
      orgDays: new Map([[orgId, [day]]]),
    };
    const pending = new PendingSnapshots(h.db);
    const deps = {
      db: h.db,
      redis: h.redis,
      snapshots: new SnapshotWriter(h.db, h.redis),
      ttlDays: h.cfg.REDIS_KEY_TTL_DAYS,
      logger: createLogger({ level: 'silent', role: 'projector' }),
    };
    const run = async () => {
      const tally: AuditTally = {
        snapshots: { checked: 0, drift: 0, repaired: 0 },
        counters: { checked: 0, drift: 0, repaired: 0 },
        reads: { mongoQueries: 0, mongoDocs: 0, redisCalls: 0 },
        inFlight: 0,
      };
      await auditOrg(deps, target, orgId, [day], tally);
      return tally;
    };

    // A batch midway: its note written, then its commit stored; not counted, no snapshots yet.
    const note = await pending.mark(target, keys);
    await commits.insertOne({ ...doc, sha });
    const during = await run();
    expect(during.inFlight).toBe(1);
    expect(during.snapshots.drift + during.counters.drift).toBe(0);

    // The note gone without the batch's writes (as if its owner died and the note was lost):
    // now it is drift, and repaired.
    await pending.clear(target, note);
    const after = await run();
    expect(after.inFlight).toBe(0);
    expect(after.snapshots.drift).toBeGreaterThan(0);
    expect(after.counters.drift).toBeGreaterThan(0);
    expect(after.snapshots.repaired + after.counters.repaired).toBeGreaterThan(0);

    // The commit taken away again: the next run puts snapshots and counters back.
    await commits.deleteOne({ repoId, sha });
    await run();
    expect(await h.models()).toEqual(expected());
  }, 120_000);
});
