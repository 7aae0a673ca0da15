import { setTimeout as sleep } from 'node:timers/promises';
import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { ObjectStore } from '@nats-io/obj';
import type { Logger } from '../platform/logger.ts';
import type { ReadModelTarget } from '../platform/read-model-target.ts';
import {
  noUpdates,
  processBatch,
  settlementOf,
  type BatchDeps,
  type BatchSinks,
  type ProcessingPath,
  type RetryPolicy,
  type SnapshotSink,
} from '../projector/mod.ts';
import { readLogBatches, type LogRange } from './log-reader.ts';
import { ReplayError, ReplayErrorCode } from './errors.ts';
import { REPLAY_CHECKPOINT } from './replay-context.ts';

/** What a pass reads and writes through: the live projector's stores and retry policy. */
export interface PassDeps {
  readonly js: JetStreamClient;
  readonly batch: BatchDeps;
  readonly objects: () => Promise<ObjectStore>;
  readonly retry: RetryPolicy;
  readonly logger: Logger;
}

/** Running totals of a pass, reported after every batch. */
export interface PassProgress {
  /** Highest sequence applied so far (the range's start - 1 before the first batch). */
  position: number;
  events: number;
  /** Commits the pass inserted (not already in the target). */
  commits: number;
  /** Events the live projector dead-letters, left out the same way. */
  skipped: number;
}

export interface PassOptions {
  readonly batchSize: number;
  readonly signal?: AbortSignal | undefined;
  readonly onBatch?: ((progress: Readonly<PassProgress>) => void) | undefined;
  /** Called once before reading, with the pass's start (sequence before the first) and end. */
  readonly onStart?: ((startSeq: number, toSeq: number) => void) | undefined;
}

/**
 * A rebuild's sinks: snapshots to `snapshots` (deferred during the rebuild, written at
 * once during a switch's catch-up), no COMMITS_UPDATED, the replay checkpoint.
 */
export function rebuildSinks(snapshots: SnapshotSink): BatchSinks {
  return { snapshots, updates: noUpdates, checkpoint: REPLAY_CHECKPOINT };
}

/**
 * Applies a range of the log to a target through the live projector's processing path
 * ({@link processBatch}) in bounded batches. Where live dead-letters an event (poison at
 * once, a failure after its last try) the pass skips and counts it, so both leave it out;
 * a failure with tries left is re-run after the same backoff. A dependency outage ends
 * the pass. Interrupted (signal) at a batch boundary: what was applied stays, and the
 * target's `replay` checkpoint says where to resume.
 */
export async function rebuildPass(
  deps: PassDeps,
  sinks: BatchSinks,
  target: ReadModelTarget,
  range: LogRange,
  opts: PassOptions,
): Promise<PassProgress> {
  const progress: PassProgress = {
    position: Math.max(0, (range.fromSeq ?? 1) - 1),
    events: 0,
    commits: 0,
    skipped: 0,
  };
  const path: ProcessingPath<JsMsg> = {
    deps: deps.batch,
    sinks,
    objects: deps.objects,
    settle: {
      guard: (fn) => fn(),
      applied: (_msgs, result) => {
        progress.commits += result.newCommits;
      },
      failed: async (msg, err, attempt) => {
        const settlement = settlementOf(err, attempt, deps.retry);
        if (settlement.action === 'retry') {
          await sleep(settlement.delayMs);
          return true;
        }
        progress.skipped++;
        deps.logger.warn(
          { seq: msg.seq, code: settlement.code, err: (err as Error).message },
          'replay: event skipped (dead-lettered live too)',
        );
        return false;
      },
    },
  };
  opts.onStart?.(progress.position, range.toSeq);
  for await (const msgs of readLogBatches(deps.js, range, opts)) {
    await processBatch(path, target, msgs);
    progress.events += msgs.length;
    progress.position = Math.max(progress.position, msgs.at(-1)!.seq);
    opts.onBatch?.(progress);
    if (opts.signal?.aborted) break;
  }
  if (opts.signal?.aborted) {
    throw new ReplayError(
      ReplayErrorCode.interrupted,
      `replay interrupted at sequence ${progress.position}`,
    );
  }
  return progress;
}
