import type { CommitDoc, DashboardDayPayload, MetricSnapshot } from '../../schemas/read-models.ts';
import { ALL_REPOS, MetricNames } from '../../schemas/read-models.ts';
import { DAY_MS, dayEnd, dayStart, weekdayOfEpochDay } from '../../schemas/utc-day.ts';
import { keepLatestName, type Named } from '../../schemas/latest-name.ts';

/** The commit fields a `dashboard_day` reads (the optional ones are missing in older documents). */
export type DashboardCommit = Pick<
  CommitDoc,
  'repoId' | 'authorGithubId' | 'timestamp' | 'filesCount'
> & {
  modulePaths?: string[] | undefined;
  authorName?: string | undefined;
  utcOffsetMinutes?: number | undefined;
  repoName?: string | undefined;
};

/** A `dashboard_day` snapshot. */
export type DashboardDaySnapshot = Extract<
  MetricSnapshot,
  { metricName: typeof MetricNames.dashboardDay }
>;

const HOUR_MS = 3_600_000;

interface DevAcc extends Named {
  commits: number;
  files: number;
  /** `<repoId>/<module>` pairs. */
  modules: Set<string>;
}
interface RepoAcc extends Named {
  commits: number;
  files: number;
  devs: Set<string>;
  modules: Map<string, number>;
}

/**
 * An org's commits of one UTC day, counted (no commit kept): the running form of a
 * `dashboard_day` payload. Memory grows with the day's developers, repos and modules.
 * Rows must be distinct commits of that one day. Order-independent.
 */
export class DashboardDay {
  readonly #hours = new Uint32Array(24);
  /** weekday × 24 + hour → commits (sparse: most days fill a few cells). */
  readonly #local = new Map<number, number>();
  #localCommits = 0;
  readonly #devs = new Map<string, DevAcc>();
  readonly #repos = new Map<string, RepoAcc>();

  add(c: DashboardCommit): void {
    const t = c.timestamp.getTime();
    const day = Math.floor(t / DAY_MS);
    const hour = Math.floor((t - day * DAY_MS) / HOUR_MS);
    const files = Number.isFinite(c.filesCount) ? c.filesCount : 0;
    this.#hours[hour]!++;
    const offset = c.utcOffsetMinutes;
    let cell = weekdayOfEpochDay(day) * 24 + hour;
    if (typeof offset === 'number' && Number.isFinite(offset)) {
      const local = t + offset * 60_000;
      const localDay = Math.floor(local / DAY_MS);
      cell = weekdayOfEpochDay(localDay) * 24 + Math.floor((local - localDay * DAY_MS) / HOUR_MS);
      this.#localCommits++;
    }
    this.#local.set(cell, (this.#local.get(cell) ?? 0) + 1);

    let dev = this.#devs.get(c.authorGithubId);
    if (!dev) {
      dev = { commits: 0, files: 0, modules: new Set(), namedAt: -Infinity, name: undefined };
      this.#devs.set(c.authorGithubId, dev);
    }
    dev.commits++;
    dev.files += files;
    for (const m of c.modulePaths ?? []) dev.modules.add(`${c.repoId}/${m}`);
    keepLatestName(dev, t, c.authorName);

    let repo = this.#repos.get(c.repoId);
    if (!repo) {
      repo = {
        commits: 0,
        files: 0,
        devs: new Set(),
        modules: new Map(),
        namedAt: -Infinity,
        name: undefined,
      };
      this.#repos.set(c.repoId, repo);
    }
    repo.commits++;
    repo.files += files;
    repo.devs.add(c.authorGithubId);
    keepLatestName(repo, t, c.repoName);
    for (const m of c.modulePaths ?? []) repo.modules.set(m, (repo.modules.get(m) ?? 0) + 1);
  }

  /** The day's commits. */
  get commits(): number {
    return this.#hours.reduce((n, c) => n + c, 0);
  }

  /** The payload: every array sorted, absent names left out (not `undefined`). */
  payload(): DashboardDayPayload {
    const repoIds = [...this.#repos.keys()].sort(compare);
    return {
      hours: Array.from(this.#hours),
      localCells: [...this.#local]
        .sort(([a], [b]) => a - b)
        .map(([cell, commits]) => ({ weekday: Math.floor(cell / 24), hour: cell % 24, commits })),
      localCommits: this.#localCommits,
      repos: repoIds.map((repoId) => {
        const r = this.#repos.get(repoId)!;
        return {
          repoId,
          ...(r.name === undefined ? {} : { name: r.name }),
          commits: r.commits,
          files: r.files,
          devIds: [...r.devs].sort(compare),
        };
      }),
      developers: [...this.#devs.keys()].sort(compare).map((devId) => {
        const d = this.#devs.get(devId)!;
        return {
          devId,
          ...(d.name === undefined ? {} : { name: d.name }),
          commits: d.commits,
          files: d.files,
          modules: [...d.modules].sort(compare),
        };
      }),
      modules: repoIds.flatMap((repoId) =>
        [...this.#repos.get(repoId)!.modules]
          .sort(([a], [b]) => compare(a, b))
          .map(([module, commits]) => ({ repoId, module, commits })),
      ),
    };
  }
}

/**
 * The `dashboard_day` snapshot of an org's day (org-wide: `repoId` {@link ALL_REPOS});
 * `metricValue` is the day's commits. Undefined for a day without commits.
 */
export function dashboardDaySnapshot(
  orgId: string,
  day: string,
  acc: DashboardDay | undefined,
): DashboardDaySnapshot | undefined {
  if (!acc || acc.commits === 0) return undefined;
  return {
    orgId,
    repoId: ALL_REPOS,
    metricName: MetricNames.dashboardDay,
    metricValue: acc.commits,
    timeframeStart: dayStart(day),
    timeframeEnd: dayEnd(day),
    payload: acc.payload(),
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
