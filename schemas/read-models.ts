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
