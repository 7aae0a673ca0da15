import { z } from 'zod';

const count = z.number().int().nonnegative();
/** A UTC calendar day, `YYYY-MM-DD`. */
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day is YYYY-MM-DD');

/** One developer's line of the dashboard. */
export const DeveloperLine = z.object({
  devId: z.string(),
  name: z
    .string()
    .describe(
      "display name: the author's name of the developer's latest commit in the range, else the login, else the id",
    ),
  login: z.string().optional().describe('GitHub login, when the commits carried one'),
  commits: count,
  activeDays: count.describe('UTC days of the range with at least one commit'),
  filesChanged: count,
  activityIndex: z
    .number()
    .min(0)
    .max(100)
    .describe(
      "the 7-day activity index for the window ending on `to` (0 when inactive then): the mean of commits / the org's top committer's, active days / 7 and modules / the org's widest developer's, scaled to 0..100",
    ),
});
export type DeveloperLine = z.infer<typeof DeveloperLine>;

/** One repository's line of the dashboard. */
export const RepoLine = z.object({
  repoId: z.string(),
  name: z.string().describe('`owner/name` as last pushed in the range, else the repoId'),
  commits: count,
  developers: count,
  filesChanged: count,
});
export type RepoLine = z.infer<typeof RepoLine>;

/** One repository's commits per bucket of `series.buckets`, same length and order. */
export const RepoSeries = z.object({ repoId: z.string(), commits: z.array(count) });
export type RepoSeries = z.infer<typeof RepoSeries>;

/** A module (`modulePaths` entry) of one repository, with the range's commits touching it. */
export const ModuleLine = z.object({ repoId: z.string(), module: z.string(), commits: count });
export type ModuleLine = z.infer<typeof ModuleLine>;

/** Query of `GET /api/v1/orgs/{orgId}/dashboard`: an inclusive range of UTC days. */
export const DashboardQuery = z.object({ from: Day, to: Day });
export type DashboardQuery = z.infer<typeof DashboardQuery>;

/** `GET /api/v1/orgs/{orgId}/dashboard` answer (200). */
export const Dashboard = z
  .object({
    orgId: z.string(),
    from: Day,
    to: Day,
    asOfSeq: count.describe('every update with seq <= asOfSeq is included in these numbers'),
    readModelVersion: count,
    totals: z.object({
      commits: count,
      developers: count,
      repos: count,
      activeDays: count,
      filesChanged: count,
    }),
    heatmap: z.object({
      days: z
        .array(z.object({ day: Day, commits: count }))
        .describe('every day of the range, zeros included'),
      weekdayHour: z
        .array(z.array(count).length(24))
        .length(7)
        .describe('[weekday][hour] commit counts, UTC; weekday 0 = Monday … 6 = Sunday'),
    }),
    series: z
      .object({
        granularity: z
          .enum(['day', 'week'])
          .describe('day for ranges up to 92 days, else ISO weeks (Monday to Sunday, UTC)'),
        buckets: z
          .array(Day)
          .describe(
            'first UTC day of each bucket, every bucket of the range, in order: the day itself, or the Monday of the ISO week (the first week may start before `from` and the last end after `to`; they count only days of the range)',
          ),
        repos: z.array(RepoSeries).describe('one per repository of `repos`, in the same order'),
      })
      .describe('commits over time per repository'),
    punchCard: z
      .object({
        weekdayHour: z
          .array(z.array(count).length(24))
          .length(7)
          .describe(
            "[weekday][hour] commit counts in the author's local time (weekday 0 = Monday), UTC where the commit carried no offset",
          ),
        localCommits: count.describe('commits placed by their own UTC offset; the rest by UTC'),
      })
      .describe('when people commit, on their own clocks'),
    topModules: z
      .array(ModuleLine)
      .max(20)
      .describe('the modules touched by most commits in the range, most first, at most 20'),
    developers: z.array(DeveloperLine),
    repos: z.array(RepoLine),
  })
  .describe('The dashboard of one org over an inclusive range of UTC days');
export type Dashboard = z.infer<typeof Dashboard>;
