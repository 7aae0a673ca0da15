/**
 * Commit documents for the page's browser tests and its render bench, written straight into
 * the read model with their `dashboard_day` rollups (what the projector writes), with what a
 * person should then see computed here independently of the gateway: per-day, per-repo-day
 * and local weekday × hour counts.
 */
import type { Db, Filter } from 'mongodb';
import { readModelsOf } from '../../projector/testing/mod.ts';
import { Collections, MetricNames, type CommitDoc } from '../../schemas/read-models.ts';
import { snapshotDocument } from '../../platform/snapshot-codec.ts';
import { addDays, utcDay } from '../../schemas/utc-day.ts';

/** What was seeded for an org, and the counts the page must show for it. */
export interface SeededOrg {
  orgId: string;
  from: string;
  to: string;
  commits: number;
  byDay: Map<string, number>;
  /** `<repoId>:<day>` → commits. */
  byRepoDay: Map<string, number>;
  /** `<weekday>:<hour>` (Monday = 0) in the author's local time → commits. */
  byLocalSlot: Map<string, number>;
}

/** The weekday (Monday = 0) and hour of an instant on a clock `offsetMinutes` east of UTC. */
export function localSlot(at: Date, offsetMinutes = 0): string {
  const local = new Date(at.getTime() + offsetMinutes * 60_000);
  return `${(local.getUTCDay() + 6) % 7}:${local.getUTCHours()}`;
}

/** Adds one commit document to the counts of `org`. */
export function count(org: SeededOrg, c: CommitDoc): void {
  const day = utcDay(c.timestamp);
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
  org.commits++;
  bump(org.byDay, day);
  bump(org.byRepoDay, `${c.repoId}:${day}`);
  bump(org.byLocalSlot, localSlot(c.timestamp, c.utcOffsetMinutes));
}

interface Dev {
  id: string;
  name: string;
  offset?: number;
}

/** Initech, 2025-11-01 … 2025-11-19: three people on three clocks, two repositories. */
export const INITECH = {
  orgId: 'initech',
  from: '2025-11-01',
  to: '2025-11-19',
  devs: [
    { id: 'peter', name: 'Peter Gibbons', offset: 120 },
    { id: 'email:milton@initech.example', name: 'Milton Waddams', offset: -300 },
    { id: 'samir', name: 'Samir Nagheenanajar' },
  ] as Dev[],
  repos: [
    { id: '101', name: 'initech/tps-reports', modules: ['reports', 'cover-sheets'] },
    { id: '102', name: 'initech/printer', modules: ['drivers'] },
  ],
} as const;

/** One Initech commit: deterministic in `n`. */
export function initechCommit(n: number, at?: Date): CommitDoc {
  const dev = INITECH.devs[n % 3] as Dev;
  const repo = INITECH.repos[n % 5 < 3 ? 0 : 1];
  const day = addDays(INITECH.from, (n * 7) % 19);
  const timestamp =
    at ??
    new Date(
      `${day}T${String(6 + ((n * 5) % 14)).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}:00Z`,
    );
  return {
    sha: `${n.toString(16)}`.padStart(40, 'c'),
    repoId: repo.id,
    orgId: INITECH.orgId,
    authorGithubId: dev.id,
    authorName: dev.name,
    ...(dev.offset === undefined ? {} : { utcOffsetMinutes: dev.offset }),
    repoName: repo.name,
    message: `commit ${n}`,
    timestamp,
    filesCount: 1 + (n % 4),
    modulePaths: repo.modules.slice(0, 1 + (n % 2)),
    processed: true,
  };
}

/** Writes 60 Initech commits and returns what the page must show for them. */
export async function seedInitech(db: Db, n = 60): Promise<SeededOrg> {
  const org: SeededOrg = {
    orgId: INITECH.orgId,
    from: INITECH.from,
    to: INITECH.to,
    commits: 0,
    byDay: new Map(),
    byRepoDay: new Map(),
    byLocalSlot: new Map(),
  };
  const docs = Array.from({ length: n }, (_, i) => initechCommit(i + 1));
  await insertCommits(db, docs);
  for (const d of docs) count(org, d);
  return org;
}

/** Inserts commit documents, then rewrites their orgs' `dashboard_day` rollups as the projector would. */
export async function insertCommits(db: Db, docs: readonly CommitDoc[]): Promise<void> {
  await db.collection<CommitDoc>(Collections.commits).insertMany([...docs]);
  await rollUpOrgs(db, [...new Set(docs.map((d) => d.orgId))]);
}

/** Deletes commit documents of one org, then rewrites its `dashboard_day` rollups. */
export async function deleteCommits(
  db: Db,
  orgId: string,
  filter: Filter<CommitDoc>,
): Promise<void> {
  await db.collection<CommitDoc>(Collections.commits).deleteMany({ ...filter, orgId });
  await rollUpOrgs(db, [orgId]);
}

/** Replaces the orgs' `dashboard_day` snapshots with those of their stored commits (test data: small). */
async function rollUpOrgs(db: Db, orgIds: string[]): Promise<void> {
  const commits = await db
    .collection<CommitDoc>(Collections.commits)
    .find({ orgId: { $in: orgIds } }, { projection: { _id: 0 } })
    .toArray();
  const days = readModelsOf(commits)
    .snapshots.filter((s) => s.metricName === MetricNames.dashboardDay)
    .map(snapshotDocument); // encoded, on their natural key, as the projector writes
  const snapshots = db.collection<{ _id: string }>(Collections.metricsSnapshots);
  await snapshots.deleteMany({ orgId: { $in: orgIds }, metricName: MetricNames.dashboardDay });
  if (days.length > 0) await snapshots.insertMany(days);
}
