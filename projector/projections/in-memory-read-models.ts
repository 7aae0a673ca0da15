import type { CommitDoc, MetricSnapshot } from '../../schemas/read-models.ts';
import { commitKey } from './commit-doc.ts';
import { commitsProjection } from './commits-projection.ts';
import { utcDay } from '../../schemas/utc-day.ts';
import { countersOf } from './dev-day-counters.ts';
import { DashboardDay, dashboardDaySnapshot } from './dashboard-day.ts';
import type { OrgMappings } from './identity.ts';
import { fold } from './projection.ts';
import type { ProjectorEvent } from './push-received.ts';
import { recentCommitsSnapshot } from './recent-commits.ts';

/** The three read models, in a canonical order so two of them compare with deep equality. */
export interface ReadModels {
  /** Sorted by `<repoId>:<sha>`. */
  commits: CommitDoc[];
  /** Redis counter key → value, keys sorted. */
  counters: Record<string, number>;
  /** Sorted by natural key (org, repo, metric, start). */
  snapshots: MetricSnapshot[];
}

/**
 * The read models that a set of events must produce, computed in memory by the same
 * projections the stores apply. The reference for spec tests, and for "live = replay".
 */
export function projectInMemory(
  events: readonly ProjectorEvent[],
  mappings: OrgMappings = {},
): ReadModels {
  const docs = [...fold(commitsProjection(mappings), events).values()];
  return readModelsOf(docs);
}

/** The read models derived from a set of commit documents. Pure. */
export function readModelsOf(docs: readonly CommitDoc[]): ReadModels {
  const commits = [...docs].sort((a, b) => compare(commitKey(a), commitKey(b)));
  const counters = Object.fromEntries([...countersOf(commits)].sort(([a], [b]) => compare(a, b)));
  const byRepoDay = new Map<string, CommitDoc[]>();
  const dashDays = new Map<string, DashboardDay>();
  for (const doc of commits) {
    const orgDay = `${doc.orgId}\u0000${utcDay(doc.timestamp)}`;
    let dash = dashDays.get(orgDay);
    if (!dash) dashDays.set(orgDay, (dash = new DashboardDay()));
    dash.add(doc);
    const key = `${doc.orgId}\u0000${doc.repoId}\u0000${utcDay(doc.timestamp)}`;
    push(byRepoDay, key, doc);
  }
  const snapshots: MetricSnapshot[] = [];
  for (const [key, list] of byRepoDay) {
    const [orgId, repoId, day] = key.split('\u0000') as [string, string, string];
    snapshots.push(recentCommitsSnapshot(orgId, repoId, day, list));
  }
  for (const [key, dash] of dashDays) {
    const [orgId, day] = key.split('\u0000') as [string, string];
    const snap = dashboardDaySnapshot(orgId, day, dash);
    if (snap) snapshots.push(snap);
  }
  return { commits, counters, snapshots: sortSnapshots(snapshots) };
}

/** Sorts snapshots by their natural key (org, repo, metric, start). */
export function sortSnapshots(snapshots: MetricSnapshot[]): MetricSnapshot[] {
  const key = (s: MetricSnapshot) =>
    `${s.orgId}\u0000${s.repoId}\u0000${s.metricName}\u0000${s.timeframeStart.toISOString()}`;
  return snapshots.sort((a, b) => compare(key(a), key(b)));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
