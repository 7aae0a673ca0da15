import { ensureReadModelIndexes } from '../platform/mongo.ts';
import { currentTarget, targetFor, type ReadModelTarget } from '../platform/read-model-target.ts';
import { VersionStates } from '../schemas/replay.ts';
import type { Differences } from './diff-tally.ts';
import { diffTargets } from './diff-targets.ts';
import { dropTarget } from './drop-target.ts';
import { ReplayError, ReplayErrorCode } from './errors.ts';
import { liveAckFloor, type Handoff } from './live-handoff.ts';
import { silentProgress, type ProgressSink } from './progress.ts';
import { rebuildPass, rebuildSinks, type PassProgress } from './rebuild-pass.ts';
import { DeferredSnapshots } from '../projector/mod.ts';
import { REPLAY_CHECKPOINT, type ReplayContext } from './replay-context.ts';
import { acquireReplayLock } from './replay-lock.ts';
import { lastLogSeq, scopeFilters, type SubjectScope } from './scope.ts';
import { ALL_PROJECTIONS, seedTarget, type ProjectionName } from './seed-target.ts';
import { finishSwitch, switchOver } from './switch-over.ts';
import {
  createVersion,
  deleteVersion,
  getVersion,
  listVersions,
  nextVersion,
  unfinished,
  updateVersion,
  type RebuildTotals,
  type ReplayScope,
  type VersionRecord,
} from './version-registry.ts';

/** What to replay and how; every field has a default. */
export interface ReplayOptions {
  readonly scope?: SubjectScope;
  readonly fromSeq?: number | undefined;
  readonly since?: Date | undefined;
  /** Read models rebuilt from empty (default all); the others start from a copy. */
  readonly projections?: readonly ProjectionName[] | undefined;
  readonly dryRun?: boolean;
  /** Keep the dry-run target for inspection instead of dropping it. */
  readonly keep?: boolean;
  /** Continue the latest unfinished replay instead of dropping it and starting clean. */
  readonly resume?: boolean;
  /** Log messages per batch (default 500). */
  readonly batchSize?: number;
  /** How long to wait for live batches begun before the switch (default 60 s). */
  readonly handoffTimeoutMs?: number;
  /** Rebuild passes before switching anyway (default 5); each one catches up with what arrived during the last. */
  readonly maxPasses?: number;
  /** Aborting stops the rebuild at a batch boundary (never during the switch). */
  readonly signal?: AbortSignal | undefined;
  readonly progress?: ProgressSink;
}

/** What `teampulse replay --json` prints. */
export interface ReplaySummary {
  version: number;
  /** The live version when the replay started. */
  previous: number;
  dryRun: boolean;
  switched: boolean;
  resumed: boolean;
  /** A resumed replay: the log sequence it continued after. */
  resumedAfter?: number;
  /** Unfinished versions of earlier runs dropped before starting. */
  dropped: number[];
  passes: number;
  /** Log events the rebuild read (a resumed replay counts those of the run it resumed too). */
  events: number;
  /** Commits inserted, the switch's catch-up included. */
  commits: number;
  /** Events left out because the live projector dead-letters them too, catch-up included. */
  skipped: number;
  /** Highest log sequence in the new target. */
  position: number;
  durationMs: number;
  eventsPerSecond: number;
  catchUp?: RebuildTotals;
  handoff?: Handoff;
  differences?: Differences;
}

/**
 * Rebuilds the read models from the log into a fresh version with the projector's batch
 * code while the live projector keeps serving the current one; then either compares
 * (`dryRun`) or switches (see {@link switchOver}). Interrupted, it leaves the live read
 * models untouched and its version `building`: the next run drops it and starts clean,
 * or continues it with `resume`.
 */
export async function runReplay(ctx: ReplayContext, o: ReplayOptions = {}): Promise<ReplaySummary> {
  const started = performance.now();
  const progress = o.progress ?? silentProgress;
  const batchSize = o.batchSize ?? 500;
  const lock = await acquireReplayLock(ctx.redis, 'replay');
  try {
    await recoverSwitch(ctx, o);
    const live = (await currentTarget(ctx.db)).version;
    const job = o.resume ? await resumeJob(ctx, live) : await newJob(ctx, live, o);
    const target = targetFor(job.record._id);
    const scope = job.record.scope!;
    // A resumed replay continues the counts of the run it resumes, so its summary (skipped
    // events above all) describes the whole rebuild, not only its own part.
    const totals: RebuildTotals = { ...(job.totals ?? { events: 0, commits: 0, skipped: 0 }) };
    const eventsBefore = totals.events;
    let position = job.startSeq - 1;
    let passes = 0;
    // Snapshots are recomputed once, after the rebuild passes, not after every batch.
    const deferred = new DeferredSnapshots();
    if (job.resumed) await deferred.addFromTarget(ctx.db, target);
    for (;;) {
      const toSeq = await lastLogSeq(ctx.jsm);
      const first = passes++ === 0;
      const base = { ...totals };
      // Position and counts are recorded after every batch (in order, without holding up
      // the next one), so a replay killed mid-pass resumes with its counts.
      const record = recordProgress(ctx, target.version);
      let pass: PassProgress;
      try {
        pass = await rebuildPass(
          ctx,
          rebuildSinks(deferred),
          target,
          {
            filters: scope.filters,
            fromSeq: position + 1,
            since: first && job.since ? job.since : undefined,
            toSeq,
          },
          {
            batchSize,
            signal: o.signal,
            onStart: (from, to) => progress.begin(first ? 'rebuild' : 'catch-up', from, to),
            onBatch: (p) => {
              progress.update(p.position, base.events + p.events, base.commits + p.commits);
              record(p.position, addTotals(base, p));
            },
          },
        ).finally(() => progress.end());
      } finally {
        await record.done();
      }
      Object.assign(totals, addTotals(base, pass));
      position = Math.max(pass.position, toSeq);
      await updateVersion(ctx.db, target.version, { position, totals });
      const behind = (await lastLogSeq(ctx.jsm)) - position;
      if (behind <= batchSize || passes >= (o.maxPasses ?? 5)) break;
    }
    await deferred.flush(ctx.snapshots, target);
    const summary: ReplaySummary = {
      version: target.version,
      previous: live,
      dryRun: scope.dryRun,
      switched: false,
      resumed: job.resumed,
      ...(job.resumed ? { resumedAfter: job.startSeq - 1 } : {}),
      dropped: job.dropped,
      passes,
      ...totals,
      position,
      durationMs: 0,
      eventsPerSecond: 0,
    };
    if (scope.dryRun) {
      summary.differences = await diffTargets(ctx.db, ctx.redis, targetFor(live), target);
      if (o.keep) await updateVersion(ctx.db, target.version, { state: VersionStates.dryRun });
      else await forget(ctx, target);
    } else {
      const seedFloor = job.record.seedFloor;
      const result = await switchOver(ctx, {
        to: target.version,
        reason: 'replay',
        catchUpFrom: seedFloor === undefined ? position : Math.min(position, seedFloor),
        handoffTimeoutMs: o.handoffTimeoutMs ?? 60_000,
        batchSize,
        onStart: (from, to) => progress.begin('switch catch-up', from, to),
        onBatch: (p) => progress.update(p.position, p.events, p.commits),
      }).finally(() => progress.end());
      summary.switched = true;
      summary.handoff = result.handoff;
      summary.catchUp = {
        events: result.catchUp.events,
        commits: result.catchUp.commits,
        skipped: result.catchUp.skipped,
      };
      summary.commits += result.catchUp.commits;
      summary.skipped += result.catchUp.skipped;
      summary.position = Math.max(position, result.catchUp.position);
    }
    summary.durationMs = Math.round(performance.now() - started);
    summary.eventsPerSecond = Math.round(
      ((summary.events - eventsBefore) * 1000) / Math.max(1, summary.durationMs),
    );
    return summary;
  } finally {
    await lock.release();
  }
}

interface Job {
  record: VersionRecord;
  /** First sequence of the first pass (1 with `since`: the consumer finds the start). */
  startSeq: number;
  since: Date | undefined;
  resumed: boolean;
  dropped: number[];
  /** Counts of the run a resumed job continues. */
  totals?: RebuildTotals | undefined;
}

async function newJob(ctx: ReplayContext, live: number, o: ReplayOptions): Promise<Job> {
  const dropped: number[] = [];
  for (const record of unfinished(await listVersions(ctx.db), live)) {
    await forget(ctx, targetFor(record._id));
    dropped.push(record._id);
  }
  if (o.fromSeq !== undefined && o.since !== undefined) {
    throw new ReplayError(
      ReplayErrorCode.invalidOptions,
      '--from-seq and --since cannot go together',
    );
  }
  const projections = [...(o.projections ?? ALL_PROJECTIONS)];
  const partial = Boolean(o.scope?.org || o.scope?.repo || o.fromSeq || o.since);
  // A partial log range or subject scope only rebuilds part of the history: everything
  // starts from a copy, or the switch would lose the rest.
  const seeded = partial
    ? [...ALL_PROJECTIONS]
    : ALL_PROJECTIONS.filter((p) => !projections.includes(p));
  const scope: ReplayScope = {
    filters: scopeFilters(o.scope ?? {}, ctx.mappings),
    ...(o.fromSeq !== undefined ? { fromSeq: o.fromSeq } : {}),
    ...(o.since !== undefined ? { since: o.since.toISOString() } : {}),
    projections,
    seeded: seeded.length > 0,
    dryRun: o.dryRun ?? false,
  };
  const version = await nextVersion(ctx.db);
  const target = targetFor(version);
  await createVersion(
    ctx.db,
    version,
    seeded.length > 0 ? VersionStates.seeding : VersionStates.building,
    scope,
  );
  await ensureReadModelIndexes(ctx.db, `_v${version}`);
  // Created now rather than by the first checkpoint write: FerretDB creates a collection
  // under a server-wide lock, which is best not taken while the live projector writes.
  await ctx.db.createCollection(target.checkpoints).catch(() => undefined);
  let seedFloor: number | undefined;
  if (seeded.length > 0) {
    seedFloor = (await liveAckFloor(ctx.jsm)) ?? (await lastLogSeq(ctx.jsm));
    await seedTarget(ctx.db, ctx.redis, targetFor(live), target, seeded);
  }
  await updateVersion(ctx.db, version, {
    state: VersionStates.building,
    ...(seedFloor !== undefined ? { seedFloor } : {}),
  });
  return {
    record: (await getVersion(ctx.db, version))!,
    startSeq: o.fromSeq ?? 1,
    since: o.since,
    resumed: false,
    dropped,
  };
}

async function resumeJob(ctx: ReplayContext, live: number): Promise<Job> {
  const candidates = unfinished(await listVersions(ctx.db), live).filter(
    (r) => r.state === VersionStates.building,
  );
  const record = candidates.at(-1);
  if (!record?.scope) {
    throw new ReplayError(
      ReplayErrorCode.nothingToResume,
      'no unfinished replay to resume; run without --resume',
    );
  }
  const checkpoint = await ctx.db
    .collection<{ _id: string; streamSeq: number }>(targetFor(record._id).checkpoints)
    .findOne({ _id: REPLAY_CHECKPOINT });
  // With recorded totals, resume right after their position: what follows is applied
  // again (idempotent), so the counts stay exact even if the process died before the last
  // record was written.
  const done = record.totals
    ? (record.position ?? 0)
    : Math.max(checkpoint?.streamSeq ?? 0, record.position ?? 0);
  const since = done === 0 && record.scope.since ? new Date(record.scope.since) : undefined;
  return {
    record,
    startSeq: done > 0 ? done + 1 : (record.scope.fromSeq ?? 1),
    since,
    resumed: true,
    dropped: [],
    totals: record.totals,
  };
}

/** Drops a version's read models and its record. */
async function forget(ctx: ReplayContext, target: ReadModelTarget): Promise<void> {
  await dropTarget(ctx.db, ctx.redis, target);
  await deleteVersion(ctx.db, target.version);
}

/** Finishes a switch a crash left half done (pointer moved, catch-up not finished). */
export async function recoverSwitch(
  ctx: ReplayContext,
  o: Pick<ReplayOptions, 'batchSize' | 'handoffTimeoutMs' | 'progress'>,
): Promise<boolean> {
  const live = (await currentTarget(ctx.db)).version;
  const record = await getVersion(ctx.db, live);
  if (record?.state !== VersionStates.switching) return false;
  ctx.logger.warn(
    { version: live },
    'finishing the catch-up of a switch an earlier run left unfinished',
  );
  const progress = o.progress ?? silentProgress;
  await finishSwitch(ctx, {
    to: live,
    catchUpFrom: record.catchUpFrom ?? 0,
    handoffTimeoutMs: o.handoffTimeoutMs ?? 60_000,
    batchSize: o.batchSize ?? 500,
    onStart: (from, to) => progress.begin('switch catch-up', from, to),
    onBatch: (p) => progress.update(p.position, p.events, p.commits),
  }).finally(() => progress.end());
  return true;
}

function addTotals(base: RebuildTotals, pass: RebuildTotals): RebuildTotals {
  return {
    events: base.events + pass.events,
    commits: base.commits + pass.commits,
    skipped: base.skipped + pass.skipped,
  };
}

/**
 * Writes a version's position and totals in call order, one at a time, off the caller's
 * path; `done()` waits for the last and throws the first failure.
 */
function recordProgress(ctx: ReplayContext, version: number) {
  let chain = Promise.resolve();
  let failure: Error | undefined;
  const record = (position: number, totals: RebuildTotals) => {
    chain = chain
      .then(() => updateVersion(ctx.db, version, { position, totals }))
      .catch((err: unknown) => {
        failure ??= err instanceof Error ? err : new Error(String(err));
      });
  };
  record.done = async () => {
    await chain;
    if (failure !== undefined) throw failure;
  };
  return record;
}
