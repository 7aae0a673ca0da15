import type { Db } from 'mongodb';
import { Collections } from '../schemas/read-models.ts';
import { redisNamespace } from '../schemas/redis-keys.ts';

/**
 * Where a set of read models lives. Version 0 is the plain names of the brief
 * (`commits`, `metrics_snapshots`, keys `org:…`); a replay builds version N into
 * `commits_vN`, `metrics_snapshots_vN` and keys `vN:org:…`, then moves the pointer.
 */
export interface ReadModelTarget {
  version: number;
  commits: string;
  snapshots: string;
  checkpoints: string;
  redisNamespace: string;
}

/** The target of a version (pure). */
export function targetFor(version: number): ReadModelTarget {
  const suffix = version === 0 ? '' : `_v${version}`;
  return {
    version,
    commits: Collections.commits + suffix,
    snapshots: Collections.metricsSnapshots + suffix,
    checkpoints: Collections.checkpoints + suffix,
    redisNamespace: redisNamespace(version),
  };
}

interface PointerDoc {
  _id: string;
  version: number;
  switchedAt?: Date;
  previous?: number;
}

const POINTER_ID = 'current';

/** The target readers and the live projector use now. */
export async function currentTarget(db: Db): Promise<ReadModelTarget> {
  const doc = await db
    .collection<PointerDoc>(Collections.readModelVersion)
    .findOne({ _id: POINTER_ID });
  return targetFor(doc?.version ?? 0);
}

/** Points readers and the live projector at `version` (one document write: atomic). */
export async function switchTarget(db: Db, version: number): Promise<void> {
  const previous = (await currentTarget(db)).version;
  await db
    .collection<PointerDoc>(Collections.readModelVersion)
    .updateOne(
      { _id: POINTER_ID },
      { $set: { version, switchedAt: new Date(), previous } },
      { upsert: true },
    );
}
