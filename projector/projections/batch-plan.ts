import type { CommitDoc } from '../../schemas/read-models.ts';
import type { Lineage } from '../../schemas/updates.ts';
import { commitKey } from './commit-doc.ts';
import { commitsProjection } from './commits-projection.ts';
import { counterItemsOf, type CounterItem } from './dev-day-counters.ts';
import { utcDay } from '../../schemas/utc-day.ts';
import type { OrgMappings } from './identity.ts';
import { fold } from './projection.ts';
import type { ProjectorEvent } from './push-received.ts';

/** What one (org, repo) of a batch announces in its COMMITS_UPDATED. */
export interface RepoChange {
  readonly orgId: string;
  readonly repoId: string;
  /** UTC days of the batch's commits in this repo, sorted. */
  readonly days: string[];
  /** Keys of the batch's commits in this repo: those the store inserts are the new ones. */
  readonly commitKeys: string[];
  readonly lineage: Lineage[];
}

/** Everything a batch writes, computed before any I/O. */
export interface BatchPlan {
  /** Distinct by (repoId, sha); the first sighting in log order wins, as in the store. */
  readonly commits: CommitDoc[];
  readonly counters: CounterItem[];
  /** Per repo: the (org, repo, day)s whose `recent_commits` must be recomputed. */
  readonly repos: RepoChange[];
  /** Per org: the days whose commits changed, whose `dashboard_day` must be recomputed. */
  readonly orgDays: Map<string, string[]>;
}

export interface PlanOptions {
  readonly mappings: OrgMappings;
  /** Read-model target namespace for Redis keys. */
  readonly namespace: string;
  readonly ttlDays: number;
}

/**
 * Folds a batch of events through the projections into the writes it needs: the
 * commit documents, the counter updates, and which snapshots to recompute. Pure.
 */
export function planBatch(events: readonly ProjectorEvent[], opts: PlanOptions): BatchPlan {
  const state = fold(commitsProjection(opts.mappings), events);
  const commits = [...state.values()];
  const repos = new Map<
    string,
    { orgId: string; repoId: string; days: Set<string>; keys: string[]; lineage: Lineage[] }
  >();
  const orgDays = new Map<string, Set<string>>();
  const repoOf = (orgId: string, repoId: string) => {
    const id = `${orgId}\u0000${repoId}`;
    let repo = repos.get(id);
    if (!repo) repos.set(id, (repo = { orgId, repoId, days: new Set(), keys: [], lineage: [] }));
    return repo;
  };
  for (const doc of commits) {
    const day = utcDay(doc.timestamp);
    const repo = repoOf(doc.orgId, doc.repoId);
    repo.days.add(day);
    repo.keys.push(commitKey(doc));
    let days = orgDays.get(doc.orgId);
    if (!days) orgDays.set(doc.orgId, (days = new Set()));
    days.add(day);
  }
  const orgOfRepo = new Map(commits.map((c) => [c.repoId, c.orgId]));
  for (const event of events) {
    // A push without commits (a branch deletion) changes nothing and announces nothing.
    const repoId = String(event.push.repository.id);
    const orgId = orgOfRepo.get(repoId);
    if (orgId === undefined) continue;
    repoOf(orgId, repoId).lineage.push({
      streamSeq: event.streamSeq,
      deliveryId: event.deliveryId,
      ...(event.receivedAt ? { receivedAt: event.receivedAt.toISOString() } : {}),
    });
  }
  return {
    commits,
    counters: counterItemsOf(commits, opts),
    repos: [...repos.values()].map((r) => ({
      orgId: r.orgId,
      repoId: r.repoId,
      days: [...r.days].sort(),
      commitKeys: r.keys,
      lineage: r.lineage,
    })),
    orgDays: new Map([...orgDays].map(([org, days]) => [org, [...days].sort()])),
  };
}
