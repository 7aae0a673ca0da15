import { ACTIVITY_WINDOW_DAYS, type DashboardDayDeveloper } from '../../schemas/read-models.ts';

/**
 * The index of one developer: the mean of three shares, scaled to 0..100 and rounded to an
 * integer: commits / the org's top committer's commits, active days / 7, and modules
 * touched / the org's widest developer's modules. 100 means "as many commits and modules
 * as anyone in the org, and active every day". Relative, so it compares people within an org.
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

/**
 * The activity index of every developer active in a window, from the `developers` of the
 * window's `dashboard_day` snapshots (one list per day; days without commits have none).
 * Commits and active days add up over the days; modules are the distinct
 * `<repoId>/<module>` pairs over the window. Pure and order-independent.
 *
 * Computed when read rather than stored: a stored index per window meant 7 snapshots
 * rewritten for every org-day a batch touched (the windows ending on that day and the six
 * after), most of what a small batch wrote.
 */
export function activityIndexOf(
  days: Iterable<readonly DashboardDayDeveloper[]>,
): Map<string, number> {
  const perDev = new Map<string, { commits: number; activeDays: number; modules: Set<string> }>();
  for (const developers of days) {
    for (const d of developers) {
      if (d.commits === 0) continue;
      let dev = perDev.get(d.devId);
      if (!dev) perDev.set(d.devId, (dev = { commits: 0, activeDays: 0, modules: new Set() }));
      dev.commits += d.commits;
      dev.activeDays++;
      for (const m of d.modules ?? []) dev.modules.add(m);
    }
  }
  let maxCommits = 0;
  let maxModules = 0;
  for (const dev of perDev.values()) {
    maxCommits = Math.max(maxCommits, dev.commits);
    maxModules = Math.max(maxModules, dev.modules.size);
  }
  const index = new Map<string, number>();
  for (const [devId, dev] of perDev) {
    const line = { commits: dev.commits, activeDays: dev.activeDays, modules: dev.modules.size };
    index.set(devId, activityIndex(line, { maxCommits, maxModules }));
  }
  return index;
}
