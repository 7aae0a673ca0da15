import type { CommitDoc, MetricSnapshot } from '../../schemas/read-models.ts';
import type { BatchPlan } from './batch-plan.ts';
import { DashboardDay, dashboardDaySnapshot } from './dashboard-day.ts';
import { utcDay } from '../../schemas/utc-day.ts';
import { recentCommitsOfCounts } from './recent-commits.ts';

/** The commit fields a tally reads. */
export type TallyRow = Pick<
  CommitDoc,
  'orgId' | 'repoId' | 'authorGithubId' | 'timestamp' | 'modulePaths' | 'filesCount'
> &
  Partial<Pick<CommitDoc, 'authorName' | 'utcOffsetMinutes' | 'repoName'>>;

/** Which snapshots to compute: `recent_commits` per repo day, `dashboard_day` per org day. */
export type SnapshotKeys = Pick<BatchPlan, 'repos' | 'orgDays'>;

/**
 * Running tallies of commits, from which every snapshot is computed: per (org, repo, day)
 * the count per developer, and per (org, day) the day's {@link DashboardDay} counts.
 * Memory grows with org-days × (developers + repos + modules), not with commits, so a
 * rebuild can stream a whole collection through one. Rows must be distinct by
 * (repoId, sha), as the commits collection keeps them. The snapshots equal those of
 * {@link recentCommitsSnapshot} and {@link dashboardDaySnapshot} over the same commits.
 * Pure, order-independent.
 */
export class SnapshotTally {
  readonly #repoDays = new Map<string, Map<string, number>>();
  readonly #dashDays = new Map<string, DashboardDay>();

  add(row: TallyRow): void {
    const day = utcDay(row.timestamp);
    const repoKey = `${row.orgId}\u0000${row.repoId}\u0000${day}`;
    let counts = this.#repoDays.get(repoKey);
    if (!counts) this.#repoDays.set(repoKey, (counts = new Map<string, number>()));
    counts.set(row.authorGithubId, (counts.get(row.authorGithubId) ?? 0) + 1);
    const orgKey = `${row.orgId}\u0000${day}`;
    let dash = this.#dashDays.get(orgKey);
    if (!dash) this.#dashDays.set(orgKey, (dash = new DashboardDay()));
    dash.add(row);
  }

  /** The snapshots of `keys` that have commits, `recent_commits` first. */
  snapshotsOf(keys: SnapshotKeys): MetricSnapshot[] {
    const out: MetricSnapshot[] = [];
    for (const repo of keys.repos) {
      for (const day of repo.days) {
        const counts = this.#repoDays.get(`${repo.orgId}\u0000${repo.repoId}\u0000${day}`);
        if (counts) out.push(recentCommitsOfCounts(repo.orgId, repo.repoId, day, counts));
      }
    }
    for (const [orgId, days] of keys.orgDays) {
      for (const day of days) {
        const snap = dashboardDaySnapshot(orgId, day, this.#dashDays.get(`${orgId}\u0000${day}`));
        if (snap) out.push(snap);
      }
    }
    return out;
  }
}
