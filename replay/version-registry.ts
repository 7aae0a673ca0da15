import type { Db } from 'mongodb';
import { currentTarget } from '../platform/read-model-target.ts';
import { Collections } from '../schemas/read-models.ts';
import { ReplayCollections, VersionStates, type VersionState } from '../schemas/replay.ts';

/** What a replay was asked to do, kept so `--resume` continues the same job. */
export interface ReplayScope {
  /** Log subject filters (`github.push.<owner>.<repo>` patterns). */
  readonly filters: string[];
  readonly fromSeq?: number;
  readonly since?: string;
  /** Read models rebuilt from empty; the others start from a copy of the current ones. */
  readonly projections: string[];
  /** True when some read models were seeded from a copy (a partial rebuild). */
  readonly seeded: boolean;
  /** Build, compare, never switch. */
  readonly dryRun: boolean;
}

/** Counts of a rebuild: log events read, commits inserted, events skipped (dead-lettered live too). */
export interface RebuildTotals {
  events: number;
  commits: number;
  skipped: number;
}

/** One read-model version as the registry records it. */
export interface VersionRecord {
  _id: number;
  state: VersionState;
  createdAt: Date;
  updatedAt: Date;
  scope?: ReplayScope;
  /** Every log event up to this sequence is in the version's read models. */
  completeTo?: number;
  /** While switching: the final catch-up pass starts after this sequence. */
  catchUpFrom?: number;
  /** The version that was live before this one was switched to. */
  previous?: number;
  /** Highest sequence the rebuild applied, recorded after every batch (resume starts after it). */
  position?: number;
  /** What the rebuild did up to `position`, so a resumed replay reports the whole of it. */
  totals?: RebuildTotals;
  /** Live ack floor when the seed copy was taken: the copy holds every event up to it. */
  seedFloor?: number;
}

function versions(db: Db) {
  return db.collection<VersionRecord>(ReplayCollections.versions);
}

/** Every recorded version, lowest first. */
export async function listVersions(db: Db): Promise<VersionRecord[]> {
  return versions(db).find({}).sort({ _id: 1 }).toArray();
}

/** One version's record, or undefined. */
export async function getVersion(db: Db, version: number): Promise<VersionRecord | undefined> {
  return (await versions(db).findOne({ _id: version })) ?? undefined;
}

/**
 * The next free version: above the pointer, every recorded version and every versioned
 * collection left on the server (a registry lost or edited by hand never makes a replay
 * write into collections that already hold data).
 */
export async function nextVersion(db: Db): Promise<number> {
  let highest = (await currentTarget(db)).version;
  for (const record of await listVersions(db)) highest = Math.max(highest, record._id);
  const names = await db.listCollections({}, { nameOnly: true }).toArray();
  const pattern = new RegExp(
    `^(?:${Collections.commits}|${Collections.metricsSnapshots}|${Collections.checkpoints})_v(\\d+)$`,
  );
  for (const { name } of names) {
    const m = pattern.exec(name);
    if (m) highest = Math.max(highest, Number(m[1]));
  }
  return highest + 1;
}

/** Records a new version (insert: two replays can never claim the same number). */
export async function createVersion(
  db: Db,
  version: number,
  state: VersionState,
  scope: ReplayScope,
): Promise<void> {
  const now = new Date();
  await versions(db).insertOne({ _id: version, state, createdAt: now, updatedAt: now, scope });
}

/** Updates fields of a version's record (created if missing: version 0 has none at first). */
export async function updateVersion(
  db: Db,
  version: number,
  fields: Partial<Omit<VersionRecord, '_id' | 'createdAt'>>,
): Promise<void> {
  const now = new Date();
  await versions(db).updateOne(
    { _id: version },
    { $set: { ...fields, updatedAt: now }, $setOnInsert: { createdAt: now } },
    { upsert: true },
  );
}

/** Forgets a version (after its read models were dropped). */
export async function deleteVersion(db: Db, version: number): Promise<void> {
  await versions(db).deleteOne({ _id: version });
}

/** Versions left unfinished by an interrupted replay (not the live one). */
export function unfinished(records: readonly VersionRecord[], live: number): VersionRecord[] {
  return records.filter(
    (r) =>
      r._id !== live && (r.state === VersionStates.seeding || r.state === VersionStates.building),
  );
}
