import type { CommitDoc, MetricSnapshot } from '../../schemas/read-models.ts';
import { MetricNames } from '../../schemas/read-models.ts';
import { addDays, dayEnd, dayStart, utcDay } from './day.ts';
import { byAuthor } from './recent-commits.ts';

/** Length of the trailing window of the activity index, in UTC days (the end day included). */
export const ACTIVITY_WINDOW_DAYS = 7;

/** `repoId` of org-wide snapshots: they are about all of an org's repositories. */
export const ALL_REPOS = '*';

/** The commit fields the activity index reads. */
export type ActivityCommit = Pick<
  CommitDoc,
  'repoId' | 'sha' | 'authorGithubId' | 'timestamp' | 'modulePaths'
>;

/** One developer's line of an activity snapshot. */
export interface DeveloperActivity {
  devId: string;
  /** Distinct commits in the window, over all the org's repositories. */
  commits: number;
  /** UTC days of the window with at least one commit (1..7). */
  activeDays: number;
  /** Distinct `<repoId>/<module>` pairs changed in the window. */
  modules: number;
  /** 0..100, see {@link activityIndex}. */
  index: number;
}

/**
 * The index: the mean of three shares, scaled to 0..100 and rounded to an integer:
 * commits / the org's top committer's commits, active days / 7, and modules touched /
 * the org's widest developer's modules. 100 means "as many commits and modules as anyone
 * in the org, and active every day". Relative, so it compares people within an org.
 */
export function activityIndex(
  dev: { commits: number; activeDays: number; modules: number },
  org: { maxCommits: number; maxModules: number },
): number {
  const c = org.maxCommits === 0 ? 0 : dev.commits / org.maxCommits;
  const a = dev.activeDays / ACTIVITY_WINDOW_DAYS;
  const m = org.maxModules === 0 ? 0 : dev.modules / org.maxModules;
  return Math.round(((c + a + m) / 3) * 100);
}

/** The windows a commit on `day` belongs to: those ending on `day` … `day + 6`. */
export function windowEndsOf(days: Iterable<string>): string[] {
  const ends = new Set<string>();
  for (const day of days) for (let i = 0; i < ACTIVITY_WINDOW_DAYS; i++) ends.add(addDays(day, i));
  return [...ends].sort();
}

/**
 * `activity_index` of an org for the window ending on `windowEnd` (the 7 UTC days up to
 * and including it), from the org's distinct commits (any superset of the window: the
 * rest is ignored). `metricValue` is the number of commits in the window, `payload`
 * holds `byAuthor` counts and one {@link DeveloperActivity} per developer, sorted by
 * devId. Undefined for an empty window. Pure and order-independent.
 */
export function activitySnapshot(
  orgId: string,
  windowEnd: string,
  commits: Iterable<ActivityCommit>,
): MetricSnapshot | undefined {
  const firstDay = addDays(windowEnd, -(ACTIVITY_WINDOW_DAYS - 1));
  const from = dayStart(firstDay).getTime();
  const to = dayEnd(windowEnd).getTime();
  const perDev = new Map<string, { shas: Set<string>; days: Set<string>; modules: Set<string> }>();
  const inWindow: ActivityCommit[] = [];
  for (const c of commits) {
    const t = c.timestamp.getTime();
    if (t < from || t >= to) continue;
    let dev = perDev.get(c.authorGithubId);
    if (!dev)
      perDev.set(
        c.authorGithubId,
        (dev = { shas: new Set(), days: new Set(), modules: new Set() }),
      );
    const key = `${c.repoId}:${c.sha}`;
    if (dev.shas.has(key)) continue;
    dev.shas.add(key);
    inWindow.push(c);
    dev.days.add(utcDay(c.timestamp));
    for (const m of c.modulePaths) dev.modules.add(`${c.repoId}/${m}`);
  }
  if (inWindow.length === 0) return undefined;
  let maxCommits = 0;
  let maxModules = 0;
  for (const dev of perDev.values()) {
    maxCommits = Math.max(maxCommits, dev.shas.size);
    maxModules = Math.max(maxModules, dev.modules.size);
  }
  const developers: DeveloperActivity[] = [...perDev]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([devId, dev]) => {
      const line = { commits: dev.shas.size, activeDays: dev.days.size, modules: dev.modules.size };
      return { devId, ...line, index: activityIndex(line, { maxCommits, maxModules }) };
    });
  return {
    orgId,
    repoId: ALL_REPOS,
    metricName: MetricNames.activityIndex,
    metricValue: inWindow.length,
    timeframeStart: dayStart(firstDay),
    timeframeEnd: dayEnd(windowEnd),
    payload: { byAuthor: byAuthor(inWindow), developers, windowDays: ACTIVITY_WINDOW_DAYS },
  };
}
