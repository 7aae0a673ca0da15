import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { ObjectStore } from '@nats-io/obj';
import type { Logger } from '../platform/logger.ts';
import type { ReadModelTarget } from '../platform/read-model-target.ts';
import {
  applyBatch,
  type BatchDeps,
  decodePush,
  classifyError,
  Outcome,
  type ProjectorEvent,
} from '../projector/mod.ts';
import { MissingBodyError } from '../platform/log/read.ts';
import { readLogBatches, type LogRange } from './log-reader.ts';
import { ReplayError, ReplayErrorCode } from './errors.ts';

/** What a pass writes through: the live projector's batch code, without updates. */
export interface PassDeps {
  readonly js: JetStreamClient;
  readonly batch: BatchDeps;
  readonly objects: () => Promise<ObjectStore>;
  readonly logger: Logger;
}

/** Running totals of a pass, reported after every batch. */
export interface PassProgress {
  /** Highest sequence applied so far (the range's start - 1 before the first batch). */
  position: number;
  events: number;
  /** Commits the pass inserted (not already in the target). */
  commits: number;
  /** Events the live projector would dead-letter too (poison), left out the same way. */
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
 * Applies a range of the log to a target with the projector's own batch code
 * ({@link applyBatch}, publisher undefined), in bounded batches. Events the live projector
 * dead-letters (invalid payload, no identity, body missing) are skipped and counted, so
 * both paths leave them out. Interrupted (signal) at a batch boundary: what was applied
 * stays, and the target's `replay` checkpoint says where to resume.
 */
export async function rebuildPass(
  deps: PassDeps,
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
  opts.onStart?.(progress.position, range.toSeq);
  for await (const msgs of readLogBatches(deps.js, range, opts)) {
    const events = await decodeAll(deps, msgs, progress);
    if (events.length > 0) progress.commits += await applyOrSplit(deps, target, events, progress);
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

async function decodeAll(deps: PassDeps, msgs: readonly JsMsg[], progress: PassProgress) {
  const events: ProjectorEvent[] = [];
  for (const msg of msgs) {
    try {
      events.push(await decodePush(msg, deps.objects));
    } catch (err) {
      if (!(err instanceof MissingBodyError) && classifyError(err) !== Outcome.poison) throw err;
      progress.skipped++;
      deps.logger.warn(
        { seq: msg.seq, err: (err as Error).message },
        'replay: event skipped (dead-lettered live too)',
      );
    }
  }
  return events;
}

/** Applies a batch; when one of its events is poison, applies them one by one, skipping it. */
async function applyOrSplit(
  deps: PassDeps,
  target: ReadModelTarget,
  events: readonly ProjectorEvent[],
  progress: PassProgress,
): Promise<number> {
  try {
    return (await applyBatch(deps.batch, target, events)).newCommits;
  } catch (err) {
    if (classifyError(err) !== Outcome.poison) throw err;
  }
  let added = 0;
  for (const event of events) {
    try {
      added += (await applyBatch(deps.batch, target, [event])).newCommits;
    } catch (err) {
      if (classifyError(err) !== Outcome.poison) throw err;
      progress.skipped++;
      deps.logger.warn(
        { seq: event.streamSeq, err: (err as Error).message },
        'replay: event skipped (dead-lettered live too)',
      );
    }
  }
  return added;
}
