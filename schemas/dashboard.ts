import { z } from 'zod';

const count = z.number().int().nonnegative();
/** A UTC calendar day, `YYYY-MM-DD`. */
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day is YYYY-MM-DD');

/** One developer's line of the dashboard. */
export const DeveloperLine = z.object({
  devId: z.string(),
  commits: count,
  activeDays: count.describe('UTC days of the range with at least one commit'),
  filesChanged: count,
  activityIndex: z
    .number()
    .min(0)
    .max(100)
    .describe(
      "the projector's 7-day activity index for the window ending on `to` (0 when inactive then)",
    ),
});
export type DeveloperLine = z.infer<typeof DeveloperLine>;

/** One repository's line of the dashboard. */
export const RepoLine = z.object({
  repoId: z.string(),
  commits: count,
  developers: count,
  filesChanged: count,
});
export type RepoLine = z.infer<typeof RepoLine>;

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
    developers: z.array(DeveloperLine),
    repos: z.array(RepoLine),
  })
  .describe('The dashboard of one org over an inclusive range of UTC days');
export type Dashboard = z.infer<typeof Dashboard>;
