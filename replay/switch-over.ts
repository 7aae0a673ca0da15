import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { Db } from 'mongodb';
import { currentTarget, switchTarget, targetFor } from '../platform/read-model-target.ts';
import { PUSH_FILTER, type SnapshotWriter } from '../projector/mod.ts';
import { ControlSubjects, VersionStates, type ReadModelSwitched } from '../schemas/replay.ts';
import { liveAckFloor, waitForLiveHandoff, type Handoff } from './live-handoff.ts';
import {
  rebuildPass,
  rebuildSinks,
  type PassDeps,
  type PassOptions,
  type PassProgress,
} from './rebuild-pass.ts';
import { lastLogSeq } from './scope.ts';
import { getVersion, updateVersion } from './version-registry.ts';

/** What switching needs besides the pass dependencies. */
export interface SwitchDeps extends PassDeps {
  readonly nc: NatsConnection;
  readonly jsm: JetStreamManager;
  readonly db: Db;
  /** The catch-up writes snapshots at once: the target is live by then. */
  readonly snapshots: SnapshotWriter;
}

export interface SwitchOptions extends Omit<PassOptions, 'signal'> {
  readonly to: number;
  readonly reason: ReadModelSwitched['reason'];
  /** The new target holds every event up to this sequence; the catch-up starts after it. */
  readonly catchUpFrom: number;
  readonly handoffTimeoutMs: number;
}

export interface SwitchResult {
  readonly previous: number;
  readonly handoff: Handoff;
  readonly catchUp: PassProgress;
}

/**
 * Moves readers and the live projector to version `to` without losing or doubling an
 * event: (1) record the old target's ack floor (it is complete up to there, for a later
 * rollback) and mark `to` as switching with its catch-up start, so a crash from here on is
 * finished by the next run; (2) move the pointer (one document write); (3) announce it on
 * `teampulse.control.readmodel`; (4) wait until no live batch can still write to the old
 * target; (5) apply everything after `catchUpFrom` up to the log's end to the new
 * target. Events the live projector applied to the new target meanwhile are applied a
 * second time by (5): a no-op, since every write is idempotent. Not interruptible: after
 * (2) the new target must get its catch-up.
 */
export async function switchOver(deps: SwitchDeps, opts: SwitchOptions): Promise<SwitchResult> {
  const previous = (await currentTarget(deps.db)).version;
  const floor = await liveAckFloor(deps.jsm);
  const old = await getVersion(deps.db, previous);
  await updateVersion(deps.db, previous, {
    state: VersionStates.standby,
    // Without a live projector nothing wrote to it since its own replay.
    ...(floor !== undefined
      ? { completeTo: floor }
      : old?.completeTo !== undefined
        ? {}
        : { completeTo: 0 }),
  });
  await updateVersion(deps.db, opts.to, {
    state: VersionStates.switching,
    catchUpFrom: opts.catchUpFrom,
    previous,
  });
  await switchTarget(deps.db, opts.to);
  const message: ReadModelSwitched = {
    type: 'READ_MODEL_SWITCHED',
    version: opts.to,
    previous,
    reason: opts.reason,
    switchedAt: new Date().toISOString(),
  };
  deps.nc.publish(ControlSubjects.readModel, JSON.stringify(message));
  await deps.nc.flush();
  const { handoff, catchUp } = await finishSwitch(deps, opts);
  return { previous, handoff, catchUp };
}

/**
 * Steps (4) and (5) of {@link switchOver}; also what a later run calls when it finds a
 * version left in `switching` by a crash.
 */
export async function finishSwitch(
  deps: SwitchDeps,
  opts: Omit<SwitchOptions, 'reason'>,
): Promise<{ handoff: Handoff; catchUp: PassProgress }> {
  const handoff = await waitForLiveHandoff(deps.jsm, { timeoutMs: opts.handoffTimeoutMs });
  if (handoff.timedOut) {
    deps.logger.warn(
      { waitedMs: handoff.waitedMs },
      'a live batch begun before the switch is still unacknowledged; it will be redelivered to the new target if its process died',
    );
  }
  const toSeq = await lastLogSeq(deps.jsm);
  const target = targetFor(opts.to);
  const catchUp = await rebuildPass(
    deps,
    rebuildSinks(deps.snapshots),
    target,
    { filters: [PUSH_FILTER], fromSeq: opts.catchUpFrom + 1, toSeq },
    { batchSize: opts.batchSize, onBatch: opts.onBatch, onStart: opts.onStart },
  );
  await updateVersion(deps.db, opts.to, {
    state: VersionStates.live,
    completeTo: Math.max(toSeq, opts.catchUpFrom),
  });
  return { handoff, catchUp };
}
