import type { Db } from 'mongodb';
import type { ReadModelTarget } from '../../platform/read-model-target.ts';
import type { CommitsUpdated } from '../../schemas/updates.ts';
import { planBatch, type BatchPlan } from '../projections/batch-plan.ts';
import type { OrgMappings } from '../projections/identity.ts';
import type { ProjectorEvent } from '../projections/push-received.ts';
import type { CounterStore } from '../stores/counter-store.ts';
import { raiseCheckpoint, upsertCommits } from '../stores/commit-store.ts';

/** The stores and settings every path applies batches with (live, DLQ retry, rebuild). */
export interface BatchDeps {
  readonly db: Db;
  readonly counters: CounterStore;
  readonly mappings: OrgMappings;
  readonly ttlDays: number;
  /** Observes how long each write stage of a batch took (live: the stage histogram). */
  readonly onStage?: ((stage: BatchStage, seconds: number) => void) | undefined;
}

/** The write stages of a batch, in order (for `teampulse_projector_stage_seconds`). */
export type BatchStage = 'due' | 'commits' | 'counters' | 'snapshots' | 'checkpoint' | 'publish';

/** Where a batch's snapshots go: recomputed now (`SnapshotWriter`) or later (`DeferredSnapshots`). */
export interface SnapshotSink {
  /**
   * Called before the batch's commits are stored (again before each retry of that store):
   * a durable note that these snapshots are due, so they are recomputed whatever fails
   * after the commits land. `token`: what the previous call resolved.
   */
  due?(target: ReadModelTarget, plan: BatchPlan, token: string | undefined): Promise<string>;
  /** The batch's snapshots are written: its note can go. */
  done?(target: ReadModelTarget, token: string): Promise<void>;
  /**
   * `stored`: the batch's commits, all stored by now (new or stored earlier), so a writer
   * that keeps tallies can count those it has not counted yet instead of reading back.
   */
  write(
    target: ReadModelTarget,
    plan: BatchPlan,
    stored: BatchPlan['commits'] | undefined,
  ): Promise<unknown>;
}

/** Where a batch's COMMITS_UPDATED go: published (`UpdatePublisher`) or nowhere ({@link noUpdates}). */
export interface UpdateSink {
  publish(update: CommitsUpdated): Promise<void>;
}

/** A rebuild announces nothing: dashboards must not hear about a target nobody reads yet. */
export const noUpdates: UpdateSink = { publish: async () => undefined };

/** The two places a path sends a batch's results besides commits and counters, and its checkpoint. */
export interface BatchSinks {
  readonly snapshots: SnapshotSink;
  readonly updates: UpdateSink;
  /** Checkpoint document raised to the batch's highest stream sequence. */
  readonly checkpoint: string;
}

export interface BatchResult {
  /** Commits this batch inserted (not seen before). */
  readonly newCommits: number;
  readonly updates: CommitsUpdated[];
}

/**
 * Writes a batch's projection results, in the order that makes them safe: a note that its
 * snapshots are due (see `PendingSnapshots`), commits, then counters and snapshots
 * recomputed from the stored commits (side by side), then the note's removal, the
 * checkpoint and one COMMITS_UPDATED per (org, repo) (all at once: a few round trips of
 * latency per batch instead of one per write). Every write is idempotent, so after a failure
 * `run()` may be called again; steps already done are skipped, so a retry after a
 * transient failure still announces the commits the first attempt inserted as new.
 */
export class BatchApplication {
  readonly plan: BatchPlan;
  #newKeys: Set<string> | undefined;
  #dueToken: string | undefined;
  #dueCleared = false;
  #countersDone = false;
  #snapshotsDone = false;
  #checkpointDone = false;
  #updates: CommitsUpdated[] | undefined;
  readonly #published = new Set<number>();

  private readonly deps: BatchDeps;
  private readonly sinks: BatchSinks;
  private readonly target: ReadModelTarget;
  private readonly events: readonly ProjectorEvent[];

  constructor(
    deps: BatchDeps,
    sinks: BatchSinks,
    target: ReadModelTarget,
    events: readonly ProjectorEvent[],
  ) {
    this.deps = deps;
    this.sinks = sinks;
    this.target = target;
    this.events = events;
    this.plan = planBatch(events, {
      mappings: deps.mappings,
      namespace: target.redisNamespace,
      ttlDays: deps.ttlDays,
    });
  }

  async run(): Promise<BatchResult> {
    const { db } = this.deps;
    const { snapshots } = this.sinks;
    const timed = this.#timed.bind(this);
    if (this.#newKeys === undefined && this.plan.commits.length > 0 && snapshots.due) {
      const due = snapshots.due.bind(snapshots);
      this.#dueToken = await timed('due', () => due(this.target, this.plan, this.#dueToken));
    }
    const newKeys = (this.#newKeys ??= await timed('commits', () =>
      upsertCommits(db, this.target, this.plan.commits),
    ));
    // Counters (Redis) and snapshots (MongoDB) are independent and each idempotent: written
    // side by side. Both settle before run() ends, so a retry never overlaps an attempt.
    await allSettledOrThrow([
      async () => {
        if (this.#countersDone) return;
        await timed('counters', () => this.deps.counters.apply(this.plan.counters));
        this.#countersDone = true;
      },
      async () => {
        if (this.#snapshotsDone) return;
        // Every commit of the plan is stored now: the writer counts those its kept tallies
        // have not (a redelivery's, stored by a process that died) instead of reading back.
        await timed('snapshots', () => snapshots.write(this.target, this.plan, this.plan.commits));
        this.#snapshotsDone = true;
      },
    ]);
    const updates = (this.#updates ??= this.plan.repos.map((repo) => ({
      type: 'COMMITS_UPDATED' as const,
      orgId: repo.orgId,
      repoId: repo.repoId,
      payload: {
        commitCount: repo.commitKeys.filter((k) => newKeys.has(k)).length,
        days: repo.days,
        lineage: repo.lineage,
      },
    })));
    // Everything the read models need is written: the note goes, the checkpoint rises and
    // the updates are announced at once. The updates are one per (org, repo), so no two
    // share a subject and issuing all before awaiting any keeps each subject's order; the
    // messages are acked only after all of them (and a retry skips those done).
    await allSettledOrThrow([
      async () => {
        if (this.#dueToken === undefined || this.#dueCleared) return;
        const token = this.#dueToken;
        await timed('due', async () => snapshots.done?.(this.target, token));
        this.#dueCleared = true;
      },
      async () => {
        if (this.#checkpointDone || this.events.length === 0) return;
        const last = Math.max(...this.events.map((e) => e.streamSeq));
        await timed('checkpoint', () =>
          raiseCheckpoint(db, this.target, this.sinks.checkpoint, last),
        );
        this.#checkpointDone = true;
      },
      ...updates.map((update, i) => async () => {
        if (this.#published.has(i)) return;
        await timed('publish', () => this.sinks.updates.publish(update));
        this.#published.add(i);
      }),
    ]);
    return { newCommits: newKeys.size, updates };
  }

  async #timed<T>(stage: BatchStage, fn: () => Promise<T>): Promise<T> {
    const onStage = this.deps.onStage;
    if (!onStage) return fn();
    const t0 = performance.now();
    const out = await fn();
    onStage(stage, (performance.now() - t0) / 1000);
    return out;
  }
}

/**
 * Runs every task at once and waits for all of them to settle (never leaving one running
 * behind a failure, which a retry could then overlap); throws the first failure.
 */
async function allSettledOrThrow(tasks: readonly (() => Promise<void>)[]): Promise<void> {
  const results = await Promise.allSettled(tasks.map((task) => task()));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Applies a batch of events to a target in one go (see {@link BatchApplication}). */
export function applyBatch(
  deps: BatchDeps,
  sinks: BatchSinks,
  target: ReadModelTarget,
  events: readonly ProjectorEvent[],
): Promise<BatchResult> {
  return new BatchApplication(deps, sinks, target, events).run();
}
