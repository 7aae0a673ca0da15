import { ensureReadModelIndexes } from '../platform/mongo.ts';
import { currentTarget, targetFor, type ReadModelTarget } from '../platform/read-model-target.ts';
import { VersionStates } from '../schemas/replay.ts';
import type { Differences } from './diff-tally.ts';
import { diffTargets } from './diff-targets.ts';
import { dropTarget } from './drop-target.ts';
import { ReplayError, ReplayErrorCode } from './errors.ts';
import { liveAckFloor, type Handoff } from './live-handoff.ts';
import { silentProgress, type ProgressSink } from './progress.ts';
import { rebuildPass, rebuildSinks } from './rebuild-pass.ts';
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
  /** Unfinished versions of earlier runs dropped before starting. */
  dropped: number[];
  passes: number;
  events: number;
  commits: number;
  skipped: number;
  /** Highest log sequence in the new target. */
  position: number;
  durationMs: number;
  eventsPerSecond: number;
  catchUp?: { events: number; commits: number };
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
    const totals = { events: 0, commits: 0, skipped: 0 };
    let position = job.startSeq - 1;
    let passes = 0;
    // Snapshots are recomputed once, after the rebuild passes, not after every batch.
    const deferred = new DeferredSnapshots();
    if (job.resumed) await deferred.addFromTarget(ctx.db, target);
    for (;;) {
      const toSeq = await lastLogSeq(ctx.jsm);
      const first = passes++ === 0;
      const pass = await rebuildPass(
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
          onBatch: (p) =>
            progress.update(p.position, totals.events + p.events, totals.commits + p.commits),
        },
      ).finally(() => progress.end());
      totals.events += pass.events;
      totals.commits += pass.commits;
      totals.skipped += pass.skipped;
      position = Math.max(pass.position, toSeq);
      await updateVersion(ctx.db, target.version, { position });
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
      summary.catchUp = { events: result.catchUp.events, commits: result.catchUp.commits };
      summary.commits += result.catchUp.commits;
      summary.position = Math.max(position, result.catchUp.position);
    }
    summary.durationMs = Math.round(performance.now() - started);
    summary.eventsPerSecond = Math.round((summary.events * 1000) / Math.max(1, summary.durationMs));
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
  const done = Math.max(checkpoint?.streamSeq ?? 0, record.position ?? 0);
  const since = done === 0 && record.scope.since ? new Date(record.scope.since) : undefined;
  return {
    record,
    startSeq: done > 0 ? done + 1 : (record.scope.fromSeq ?? 1),
    since,
    resumed: true,
    dropped: [],
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
