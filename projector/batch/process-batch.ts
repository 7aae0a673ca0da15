import type { ObjectStore } from '@nats-io/obj';
import type { ReadModelTarget } from '../../platform/read-model-target.ts';
import { classifyError, Outcome } from '../classify-error.ts';
import type { PushReceived } from '../projections/push-received.ts';
import {
  BatchApplication,
  type BatchDeps,
  type BatchResult,
  type BatchSinks,
} from './apply-batch.ts';
import { decodePush, type LogMessage } from './decode.ts';

/** How a path carries out what {@link processBatch} decides for its messages. */
export interface Settle<M extends LogMessage> {
  /**
   * Runs one read or write of the path. Live: retries transient errors in-process until the
   * dependency is back (or throws `StoppingError`). A rebuild: runs it once, so an outage
   * ends the pass (it resumes from its checkpoint).
   */
  guard<T>(fn: () => Promise<T>): Promise<T>;
  /** The messages' events are in the read models (live: ack them). */
  applied(msgs: readonly M[], result: BatchResult): void;
  /**
   * A message failed with a poison or failure outcome on its `attempt`-th try in this
   * process (see `settlementOf`). Live: dead letter or nak, resolving `false` (redelivery
   * does the retries). A rebuild: skip it, or wait and resolve `true` to try it again.
   */
  failed(msg: M, err: unknown, attempt: number): Promise<boolean>;
}

/** One processing path: what it writes with, where its results go, how it settles. */
export interface ProcessingPath<M extends LogMessage> {
  readonly deps: BatchDeps;
  readonly sinks: BatchSinks;
  readonly objects: () => Promise<ObjectStore>;
  readonly settle: Settle<M>;
  /** Called when a batch failed and its events are applied one by one. */
  readonly onSplit?: ((err: unknown, size: number) => void) | undefined;
  /** Test hook run on each decoded event; what it throws fails that message. */
  readonly inspect?: ((event: PushReceived, msg: M) => void) | undefined;
}

interface Item<M> {
  readonly msg: M;
  readonly event: PushReceived;
}

/**
 * decode → plan → apply → on failure split → classify → settle, for live projection and
 * rebuilds alike. Each message is decoded (one that cannot be fails alone); the events are
 * planned and applied as one batch; if that fails, each is applied alone so one bad event
 * cannot fail its batch-mates; a message that fails alone is settled by the outcome of its
 * error. Transient errors (past the guard) and stopping are thrown: the message stays
 * unsettled. Resolves true when the batch went through in one go.
 */
export async function processBatch<M extends LogMessage>(
  path: ProcessingPath<M>,
  target: ReadModelTarget,
  msgs: readonly M[],
): Promise<boolean> {
  const items: Item<M>[] = [];
  for (const msg of msgs) {
    const event = await untilSettled(path, msg, () => decode(path, msg));
    if (event) items.push({ msg, event });
  }
  if (items.length === 0) return false;
  try {
    await apply(path, target, items);
    return true;
  } catch (err) {
    rethrowUnsettled(err);
    if (items.length === 1) {
      const only = items[0]!;
      await untilSettled(path, only.msg, () => apply(path, target, [only]), err);
      return false;
    }
    path.onSplit?.(err, items.length);
  }
  for (const item of items) await untilSettled(path, item.msg, () => apply(path, target, [item]));
  return false;
}

async function decode<M extends LogMessage>(
  path: ProcessingPath<M>,
  msg: M,
): Promise<PushReceived> {
  return path.settle.guard(async () => {
    const event = await decodePush(msg, path.objects);
    path.inspect?.(event, msg);
    return event;
  });
}

/** Writes the items' results (a write the guard retries resumes where it stopped). */
async function apply<M extends LogMessage>(
  path: ProcessingPath<M>,
  target: ReadModelTarget,
  items: readonly Item<M>[],
): Promise<true> {
  let app: BatchApplication | undefined;
  const result = await path.settle.guard(() => {
    app ??= new BatchApplication(
      path.deps,
      path.sinks,
      target,
      items.map((i) => i.event),
    );
    return app.run();
  });
  path.settle.applied(
    items.map((i) => i.msg),
    result,
  );
  return true;
}

/**
 * Runs `fn` for one message until it succeeds or the message is settled; `failedOnce`: the
 * error of a first try already made. Resolves what `fn` gave, or undefined once settled.
 */
async function untilSettled<M extends LogMessage, T>(
  path: ProcessingPath<M>,
  msg: M,
  fn: () => Promise<T>,
  ...failedOnce: [unknown?]
): Promise<T | undefined> {
  let attempt = 1;
  if (failedOnce.length > 0) {
    if (!(await path.settle.failed(msg, failedOnce[0], attempt))) return undefined;
    attempt++;
  }
  for (; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      rethrowUnsettled(err);
      if (!(await path.settle.failed(msg, err, attempt))) return undefined;
    }
  }
}

/** Transient (the guard gave up) and stopping leave the message unsettled. */
function rethrowUnsettled(err: unknown): void {
  const outcome = classifyError(err);
  if (outcome === Outcome.transient || outcome === Outcome.stopping) throw err;
}
