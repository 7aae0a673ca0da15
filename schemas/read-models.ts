import { z } from 'zod';

/** MongoDB collection names. */
export const Collections = {
  commits: 'commits',
  metricsSnapshots: 'metrics_snapshots',
  checkpoints: 'projection_checkpoints',
  readModelVersion: 'read_model_version',
} as const;

export const MetricNames = {
  recentCommits: 'recent_commits',
  activityIndex: 'activity_index',
  moduleChurn: 'module_churn',
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
});
export type CommitDoc = z.infer<typeof CommitDoc>;

export const AuthorCount = z.object({ devId: z.string(), count: z.number().int() });
export type AuthorCount = z.infer<typeof AuthorCount>;

/** `metrics_snapshots`: per (orgId, repoId, metricName, day). `byAuthor` is an array because dev ids can hold dots. */
export const MetricSnapshot = z.object({
  orgId: z.string(),
  repoId: z.string(),
  metricName: z.string(),
  metricValue: z.number(),
  timeframeStart: z.date(),
  timeframeEnd: z.date(),
  payload: z.object({ byAuthor: z.array(AuthorCount) }).loose(),
});
export type MetricSnapshot = z.infer<typeof MetricSnapshot>;

/** Redis key of a developer's commit count on a UTC day (`YYYY-MM-DD`). */
export function devDayKey(orgId: string, devId: string, day: string, namespace = ''): string {
  return `${namespace}org:${orgId}:dev:${devId}:commits:${day}`;
}

/**
 * Redis key of the set of `repoId:sha` already counted on an org's day, by any developer.
 * One set per org-day, not per developer: a commit seen under two identities (a login live,
 * `email:…` from a backfill) is counted once, for the first, as the `commits` document is.
 */
export function orgDaySeenKey(orgId: string, day: string, namespace = ''): string {
  return `${namespace}org:${orgId}:commits:${day}:seen`;
}
