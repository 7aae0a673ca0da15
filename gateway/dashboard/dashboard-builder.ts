import type { Dashboard, DeveloperLine, ModuleLine, RepoLine } from '../../schemas/dashboard.ts';
import type { DashboardDayPayload } from '../../schemas/read-models.ts';
import { DAY_MS, utcDay, weekdayOfEpochDay } from '../../schemas/utc-day.ts';
import { keepLatestName, type Named } from '../../schemas/latest-name.ts';
import { daysOf, type DayRange } from './day-range.ts';

/** The answer's types are the contract's (`schemas/dashboard.ts`). */
export type { Dashboard, DeveloperLine, RepoLine } from '../../schemas/dashboard.ts';

/**
 * The commit fields the dashboard reads. The optional ones are missing in documents written
 * before they were kept: such a commit is placed by UTC, named by its ids.
 */
export interface CommitRow {
  timestamp: Date;
  authorGithubId: string;
  repoId: string;
  filesCount: number;
  authorName?: string | undefined;
  utcOffsetMinutes?: number | undefined;
  repoName?: string | undefined;
  modulePaths?: string[] | undefined;
}

/** Ranges up to this many days are charted by day, longer ones by ISO week. */
export const MAX_DAILY_SERIES_DAYS = 92;
/** Length of `topModules`. */
export const TOP_MODULES = 20;

const HOUR_MS = 3_600_000;

interface DevAcc extends Named {
  commits: number;
  files: number;
  activeDays: number;
  /** 1 per day of the range with a commit (a byte per day beats a Set of strings). */
  days: Uint8Array;
}
interface RepoAcc extends Named {
  commits: number;
  files: number;
  devs: Set<string>;
  series: Uint32Array;
  modules: Map<string, number>;
}

/**
 * Accumulates an org's days into the dashboard's numbers: the projector's `dashboard_day`
 * rollups ({@link addDay}, what the API reads: one document per day), or commits one at a
 * time ({@link add}: the reference the rollups are tested against, giving identical
 * answers). Arithmetic on epoch times (no date strings), counts into typed arrays indexed
 * by day, bucket and weekday × hour. Use one of the two per builder. Pure: no I/O, no clock.
 */
export class DashboardBuilder {
  readonly #start: number;
  readonly #end: number;
  readonly #days: number;
  /** Monday = 0 weekday of `from`. */
  readonly #fromWeekday: number;
  readonly #weekly: boolean;
  readonly #byDay: Uint32Array;
  readonly #utc = new Uint32Array(7 * 24);
  readonly #local = new Uint32Array(7 * 24);
  readonly #devs = new Map<string, DevAcc>();
  readonly #repos = new Map<string, RepoAcc>();
  #commits = 0;
  #files = 0;
  #localCommits = 0;

  private readonly range: DayRange;

  constructor(range: DayRange) {
    this.range = range;
    this.#start = range.start.getTime();
    this.#end = range.end.getTime();
    this.#days = range.days;
    this.#fromWeekday = weekdayOfEpochDay(this.#start / DAY_MS);
    this.#weekly = range.days > MAX_DAILY_SERIES_DAYS;
    this.#byDay = new Uint32Array(range.days);
  }

  /**
   * Adds one UTC day's rollup (`dashboard_day` payload) starting at `dayStart`. Days
   * outside the range are ignored; each day must be added once.
   */
  addDay(dayStart: Date, day: DashboardDayPayload): void {
    const t = dayStart.getTime();
    if (!(t >= this.#start && t < this.#end)) return;
    const dayIdx = Math.floor((t - this.#start) / DAY_MS);
    const weekday = (this.#fromWeekday + dayIdx) % 7;
    let commits = 0;
    day.hours.forEach((n, hour) => {
      this.#utc[weekday * 24 + hour]! += n;
      commits += n;
    });
    this.#commits += commits;
    this.#byDay[dayIdx]! += commits;
    for (const c of day.localCells) this.#local[c.weekday * 24 + c.hour]! += c.commits;
    this.#localCommits += day.localCommits;

    // Names: every commit of a later day is later, so the day's start orders them.
    for (const line of day.developers) {
      const dev = this.#dev(line.devId);
      dev.commits += line.commits;
      dev.files += line.files;
      if (line.commits > 0 && dev.days[dayIdx] === 0) {
        dev.days[dayIdx] = 1;
        dev.activeDays++;
      }
      keepLatestName(dev, t, line.name);
    }
    const bucket = this.#weekly ? Math.floor((dayIdx + this.#fromWeekday) / 7) : dayIdx;
    for (const line of day.repos) {
      const repo = this.#repo(line.repoId);
      repo.commits += line.commits;
      repo.files += line.files;
      this.#files += line.files;
      for (const devId of line.devIds) repo.devs.add(devId);
      repo.series[bucket]! += line.commits;
      keepLatestName(repo, t, line.name);
    }
    for (const m of day.modules) {
      const modules = this.#repo(m.repoId).modules;
      modules.set(m.module, (modules.get(m.module) ?? 0) + m.commits);
    }
  }

  /** Adds one commit (the per-commit reference of {@link addDay}). */
  add(row: CommitRow): void {
    const t = row.timestamp.getTime();
    if (!(t >= this.#start && t < this.#end)) return; // also drops an invalid date (NaN)
    const sinceStart = t - this.#start;
    const dayIdx = Math.floor(sinceStart / DAY_MS);
    const hour = Math.floor((sinceStart - dayIdx * DAY_MS) / HOUR_MS);
    const weekday = (this.#fromWeekday + dayIdx) % 7;
    const files = Number.isFinite(row.filesCount) ? row.filesCount : 0;
    this.#commits++;
    this.#files += files;
    this.#byDay[dayIdx]!++;
    this.#utc[weekday * 24 + hour]!++;
    const offset = row.utcOffsetMinutes;
    if (typeof offset === 'number' && Number.isFinite(offset)) {
      const local = t + offset * 60_000;
      const localDay = Math.floor(local / DAY_MS);
      const localHour = Math.floor((local - localDay * DAY_MS) / HOUR_MS);
      this.#local[weekdayOfEpochDay(localDay) * 24 + localHour]!++;
      this.#localCommits++;
    } else {
      this.#local[weekday * 24 + hour]!++;
    }

    const devId = row.authorGithubId;
    const dev = this.#dev(devId);
    dev.commits++;
    dev.files += files;
    if (dev.days[dayIdx] === 0) {
      dev.days[dayIdx] = 1;
      dev.activeDays++;
    }
    keepLatestName(dev, t, row.authorName);

    const repo = this.#repo(row.repoId);
    repo.commits++;
    repo.files += files;
    repo.devs.add(devId);
    repo.series[this.#weekly ? Math.floor((dayIdx + this.#fromWeekday) / 7) : dayIdx]!++;
    keepLatestName(repo, t, row.repoName);
    const modules = row.modulePaths;
    if (modules) {
      for (const m of modules) repo.modules.set(m, (repo.modules.get(m) ?? 0) + 1);
    }
  }

  build(meta: {
    orgId: string;
    asOfSeq: number;
    readModelVersion: number;
    activityIndex: ReadonlyMap<string, number>;
  }): Dashboard {
    const developers: DeveloperLine[] = [...this.#devs]
      .map(([devId, d]) => {
        const login = devId.startsWith('email:') ? undefined : devId;
        return {
          devId,
          name: d.name ?? login ?? devId,
          ...(login === undefined ? {} : { login }),
          commits: d.commits,
          activeDays: d.activeDays,
          filesChanged: d.files,
          activityIndex: meta.activityIndex.get(devId) ?? 0,
        };
      })
      .sort((a, b) => b.commits - a.commits || compare(a.devId, b.devId));
    const repoEntries = [...this.#repos].sort(
      ([a, x], [b, y]) => y.commits - x.commits || compare(a, b),
    );
    const repos: RepoLine[] = repoEntries.map(([repoId, r]) => ({
      repoId,
      name: r.name ?? repoId,
      commits: r.commits,
      developers: r.devs.size,
      filesChanged: r.files,
    }));
    return {
      orgId: meta.orgId,
      from: this.range.from,
      to: this.range.to,
      asOfSeq: meta.asOfSeq,
      readModelVersion: meta.readModelVersion,
      totals: {
        commits: this.#commits,
        developers: developers.length,
        repos: repos.length,
        activeDays: this.#byDay.reduce((n, c) => (c > 0 ? n + 1 : n), 0),
        filesChanged: this.#files,
      },
      heatmap: {
        days: daysOf(this.range).map((day, i) => ({ day, commits: this.#byDay[i] ?? 0 })),
        weekdayHour: grid(this.#utc),
      },
      series: {
        granularity: this.#weekly ? 'week' : 'day',
        buckets: this.#bucketDays(),
        repos: repoEntries.map(([repoId, r]) => ({ repoId, commits: Array.from(r.series) })),
      },
      punchCard: { weekdayHour: grid(this.#local), localCommits: this.#localCommits },
      topModules: this.#topModules(),
      developers,
      repos,
    };
  }

  #dev(devId: string): DevAcc {
    let dev = this.#devs.get(devId);
    if (!dev) {
      dev = {
        commits: 0,
        files: 0,
        activeDays: 0,
        days: new Uint8Array(this.#days),
        namedAt: -Infinity,
        name: undefined,
      };
      this.#devs.set(devId, dev);
    }
    return dev;
  }

  #repo(repoId: string): RepoAcc {
    let repo = this.#repos.get(repoId);
    if (!repo) {
      repo = {
        commits: 0,
        files: 0,
        devs: new Set(),
        series: new Uint32Array(this.#bucketCount()),
        modules: new Map(),
        namedAt: -Infinity,
        name: undefined,
      };
      this.#repos.set(repoId, repo);
    }
    return repo;
  }

  #bucketCount(): number {
    return this.#weekly ? Math.floor((this.#days - 1 + this.#fromWeekday) / 7) + 1 : this.#days;
  }

  #bucketDays(): string[] {
    if (!this.#weekly) return daysOf(this.range);
    const monday = this.#start - this.#fromWeekday * DAY_MS;
    return Array.from({ length: this.#bucketCount() }, (_, i) => utcDay(monday + i * 7 * DAY_MS));
  }

  #topModules(): ModuleLine[] {
    const all: ModuleLine[] = [];
    for (const [repoId, r] of this.#repos) {
      for (const [module, commits] of r.modules) all.push({ repoId, module, commits });
    }
    return all
      .sort(
        (a, b) =>
          b.commits - a.commits || compare(a.repoId, b.repoId) || compare(a.module, b.module),
      )
      .slice(0, TOP_MODULES);
  }
}

function grid(cells: Uint32Array): number[][] {
  return Array.from({ length: 7 }, (_, w) => Array.from(cells.subarray(w * 24, w * 24 + 24)));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
