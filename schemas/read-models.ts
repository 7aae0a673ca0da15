import { z } from 'zod';

/** MongoDB collection names. */
export const Collections = {
  commits: 'commits',
  metricsSnapshots: 'metrics_snapshots',
  checkpoints: 'projection_checkpoints',
  readModelVersion: 'read_model_version',
} as const;

/** `repoId` of org-wide snapshots (`dashboard_day`): about all of an org's repositories. */
export const ALL_REPOS = '*';

/**
 * Length of the trailing window of the activity index, in UTC days (the end day included).
 * The index is computed when read, from the window's `dashboard_day` snapshots.
 */
export const ACTIVITY_WINDOW_DAYS = 7;

export const MetricNames = {
  recentCommits: 'recent_commits',
  dashboardDay: 'dashboard_day',
} as const;
export type MetricName = (typeof MetricNames)[keyof typeof MetricNames];

/** `commits`: one document per (repoId, sha). */
export const CommitDoc = z.object({
  sha: z.string(),
  repoId: z.string(),
  orgId: z.string(),
  authorGithubId: z.string(),
  message: z.string(),
  timestamp: z.date(),
  filesCount: z.number().int().nonnegative(),
  modulePaths: z.array(z.string()),
  processed: z.literal(true),
  /** The commit author's name as git recorded it (absent in documents written before it was kept). */
  authorName: z.string().optional(),
  /**
   * Minutes east of UTC of the author's clock, from the offset of GitHub's commit timestamp
   * (`2025-03-01T09:15:00+02:00` → 120). Absent when the timestamp said `Z` or before it was kept.
   */
  utcOffsetMinutes: z
    .number()
    .int()
    .min(-16 * 60)
    .max(16 * 60)
    .optional(),
  /** `repository.full_name` when the push was received (repos are renamed; `repoId` is the key). */
  repoName: z.string().optional(),
});
export type CommitDoc = z.infer<typeof CommitDoc>;

export const AuthorCount = z.object({ devId: z.string(), count: z.number().int() });
export type AuthorCount = z.infer<typeof AuthorCount>;

/** `recent_commits` payload: the day's commits per developer, sorted by devId. */
export const RecentCommitsPayload = z.object({ byAuthor: z.array(AuthorCount) });
export type RecentCommitsPayload = z.infer<typeof RecentCommitsPayload>;

const count = z.number().int().nonnegative();

/** One repository's commits of a `dashboard_day`. */
export const DashboardDayRepo = z.object({
  repoId: z.string(),
  /** `repoName` of the day's latest commit that carried one (absent: none did). */
  name: z.string().optional(),
  commits: count,
  files: count,
  /** The day's distinct authors in this repository, sorted. */
  devIds: z.array(z.string()),
});
export type DashboardDayRepo = z.infer<typeof DashboardDayRepo>;

/** One developer's commits of a `dashboard_day`. */
export const DashboardDayDeveloper = z.object({
  devId: z.string(),
  /**
   * `authorName` of the day's latest commit that carried one (equal times: the greater
   * name); absent: none did. No time is kept: a later day's name is always later.
   */
  name: z.string().optional(),
  commits: count,
  files: count,
  /**
   * The distinct `<repoId>/<module>` pairs the developer changed that day, sorted: what the
   * activity index counts over its window. Absent in days written before the index was
   * computed from these rollups (`teampulse replay --projections snapshots` adds it).
   */
  modules: z.array(z.string()).optional(),
});
export type DashboardDayDeveloper = z.infer<typeof DashboardDayDeveloper>;

/**
 * `dashboard_day` payload: an org's commits of one UTC day, rolled up into what the
 * dashboard combines over a range (so it reads one document per day, not every commit).
 * Stored as its JSON deflated (`payloadDeflated`, see `StoredDashboardDay`), decoded to this.
 * Arrays are sorted (repos, developers by id; modules by repo then module; cells by
 * weekday then hour) so a payload is a pure function of the day's commits.
 */
export const DashboardDayPayload = z.object({
  /** Commits per UTC hour of the day. */
  hours: z.array(count).length(24),
  /**
   * Punch-card cells, non-zero only, in the author's local time when the commit carried
   * its UTC offset, else in UTC. Objects, not `[w, h, n]` tuples: FerretDB stores no
   * nested arrays.
   */
  localCells: z.array(
    z.object({
      /** 0 = Monday … 6 = Sunday. */
      weekday: z.number().int().min(0).max(6),
      hour: z.number().int().min(0).max(23),
      commits: count,
    }),
  ),
  /** Commits placed by their own UTC offset. */
  localCommits: count,
  repos: z.array(DashboardDayRepo),
  developers: z.array(DashboardDayDeveloper),
  /** Commits per (repo, `modulePaths` entry). */
  modules: z.array(z.object({ repoId: z.string(), module: z.string(), commits: count })),
});
export type DashboardDayPayload = z.infer<typeof DashboardDayPayload>;

const SnapshotBase = {
  orgId: z.string(),
  repoId: z.string(),
  metricValue: z.number(),
  timeframeStart: z.date(),
  timeframeEnd: z.date(),
};

/**
 * `metrics_snapshots`: per (orgId, repoId, metricName, day), the payload's schema chosen
 * by `metricName`. `byAuthor` is an array because dev ids can hold dots. This is the
 * decoded form every projection computes and every reader gets: a `dashboard_day` is
 * stored with its payload as deflated JSON (`StoredDashboardDay`, `platform/snapshot-codec.ts`,
 * which every writer and reader goes through).
 */
export const MetricSnapshot = z.discriminatedUnion('metricName', [
  z.object({
    ...SnapshotBase,
    metricName: z.literal(MetricNames.recentCommits),
    payload: RecentCommitsPayload,
  }),
  z.object({
    ...SnapshotBase,
    metricName: z.literal(MetricNames.dashboardDay),
    payload: DashboardDayPayload,
  }),
]);
export type MetricSnapshot = z.infer<typeof MetricSnapshot>;

/**
 * A snapshot's `_id`: its natural key (org, repo, metric, start). Writers write on it and
 * readers look days up by it: on FerretDB a filter on `_id` alone is the one answered
 * without scanning the collection.
 */
export function snapshotId(
  s: Pick<MetricSnapshot, 'orgId' | 'repoId' | 'metricName' | 'timeframeStart'>,
): string {
  return JSON.stringify([s.orgId, s.repoId, s.metricName, s.timeframeStart.toISOString()]);
}
