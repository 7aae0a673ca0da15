import type { CommitDoc, DeveloperActivity, MetricSnapshot } from '../../schemas/read-models.ts';
import { ACTIVITY_WINDOW_DAYS, ALL_REPOS, MetricNames } from '../../schemas/read-models.ts';
import { addDays, dayEnd, dayStart, utcDay } from '../../schemas/utc-day.ts';

export type { DeveloperActivity };

export { ACTIVITY_WINDOW_DAYS };

export { ALL_REPOS };

/** The commit fields the activity index reads. */
export type ActivityCommit = Pick<
  CommitDoc,
  'repoId' | 'sha' | 'authorGithubId' | 'timestamp' | 'modulePaths'
>;

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

/** One developer's distinct commits on one UTC day of an org, and the modules they changed. */
export interface DevDay {
  commits: number;
  /** `<repoId>/<module>` pairs. */
  readonly modules: Set<string>;
}

/** An org's day: its developers' {@link DevDay}s by devId. */
export type OrgDay = Map<string, DevDay>;

/** Adds one distinct commit to an org's day (see {@link DevDay}). */
export function addToOrgDay(
  day: OrgDay,
  c: Pick<ActivityCommit, 'repoId' | 'authorGithubId' | 'modulePaths'>,
): void {
  let dev = day.get(c.authorGithubId);
  if (!dev) day.set(c.authorGithubId, (dev = { commits: 0, modules: new Set() }));
  dev.commits++;
  for (const m of c.modulePaths) dev.modules.add(`${c.repoId}/${m}`);
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
  const from = dayStart(addDays(windowEnd, -(ACTIVITY_WINDOW_DAYS - 1))).getTime();
  const to = dayEnd(windowEnd).getTime();
  const seen = new Set<string>();
  const days = new Map<string, OrgDay>();
  for (const c of commits) {
    const t = c.timestamp.getTime();
    if (t < from || t >= to) continue;
    const key = `${c.repoId}:${c.sha}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const day = utcDay(c.timestamp);
    let orgDay = days.get(day);
    if (!orgDay) days.set(day, (orgDay = new Map<string, DevDay>()));
    addToOrgDay(orgDay, c);
  }
  return activityOfDays(orgId, windowEnd, (day) => days.get(day));
}

/**
 * {@link activitySnapshot} from an org's days already tallied: `dayOf(day)` gives the
 * {@link OrgDay} of each day of the window (undefined: no commits). Pure.
 */
export function activityOfDays(
  orgId: string,
  windowEnd: string,
  dayOf: (day: string) => OrgDay | undefined,
): MetricSnapshot | undefined {
  const firstDay = addDays(windowEnd, -(ACTIVITY_WINDOW_DAYS - 1));
  const perDev = new Map<string, { commits: number; activeDays: number; modules: Set<string> }>();
  let total = 0;
  for (let i = 0; i < ACTIVITY_WINDOW_DAYS; i++) {
    const orgDay = dayOf(addDays(firstDay, i));
    if (!orgDay) continue;
    for (const [devId, day] of orgDay) {
      if (day.commits === 0) continue;
      let dev = perDev.get(devId);
      if (!dev) perDev.set(devId, (dev = { commits: 0, activeDays: 0, modules: new Set() }));
      dev.commits += day.commits;
      dev.activeDays++;
      for (const m of day.modules) dev.modules.add(m);
      total += day.commits;
    }
  }
  if (total === 0) return undefined;
  let maxCommits = 0;
  let maxModules = 0;
  for (const dev of perDev.values()) {
    maxCommits = Math.max(maxCommits, dev.commits);
    maxModules = Math.max(maxModules, dev.modules.size);
  }
  const devIds = [...perDev.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const developers: DeveloperActivity[] = devIds.map((devId) => {
    const dev = perDev.get(devId)!;
    const line = { commits: dev.commits, activeDays: dev.activeDays, modules: dev.modules.size };
    return { devId, ...line, index: activityIndex(line, { maxCommits, maxModules }) };
  });
  return {
    orgId,
    repoId: ALL_REPOS,
    metricName: MetricNames.activityIndex,
    metricValue: total,
    timeframeStart: dayStart(firstDay),
    timeframeEnd: dayEnd(windowEnd),
    payload: {
      byAuthor: developers.map((d) => ({ devId: d.devId, count: d.commits })),
      developers,
      windowDays: ACTIVITY_WINDOW_DAYS,
    },
  };
}
