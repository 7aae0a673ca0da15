import type { Dashboard } from '../../schemas/dashboard.ts';
import { utcDay } from '../../schemas/utc-day.ts';
import { daysOf, type DayRange } from './day-range.ts';

/** The answer's types are the contract's (`schemas/dashboard.ts`). */
export type { Dashboard, DeveloperLine, RepoLine } from '../../schemas/dashboard.ts';

/** The commit fields the dashboard reads. */
export interface CommitRow {
  timestamp: Date;
  authorGithubId: string;
  repoId: string;
  filesCount: number;
}

/**
 * Accumulates commits one at a time (a cursor's worth, never all in memory) into the
 * dashboard's numbers. Pure: no I/O, no clock.
 */
export class DashboardBuilder {
  readonly #byDay = new Map<string, number>();
  readonly #weekdayHour: number[][] = Array.from({ length: 7 }, () => Array<number>(24).fill(0));
  readonly #devs = new Map<string, { commits: number; days: Set<string>; files: number }>();
  readonly #repos = new Map<string, { commits: number; devs: Set<string>; files: number }>();
  #commits = 0;
  #files = 0;

  private readonly range: DayRange;

  constructor(range: DayRange) {
    this.range = range;
  }

  add(row: CommitRow): void {
    const t = row.timestamp.getTime();
    if (t < this.range.start.getTime() || t >= this.range.end.getTime()) return;
    const day = utcDay(row.timestamp);
    const files = Number.isFinite(row.filesCount) ? row.filesCount : 0;
    this.#commits++;
    this.#files += files;
    this.#byDay.set(day, (this.#byDay.get(day) ?? 0) + 1);
    const weekday = (row.timestamp.getUTCDay() + 6) % 7;
    const hours = this.#weekdayHour[weekday];
    if (hours) hours[row.timestamp.getUTCHours()] = (hours[row.timestamp.getUTCHours()] ?? 0) + 1;
    let dev = this.#devs.get(row.authorGithubId);
    if (!dev) this.#devs.set(row.authorGithubId, (dev = { commits: 0, days: new Set(), files: 0 }));
    dev.commits++;
    dev.days.add(day);
    dev.files += files;
    let repo = this.#repos.get(row.repoId);
    if (!repo) this.#repos.set(row.repoId, (repo = { commits: 0, devs: new Set(), files: 0 }));
    repo.commits++;
    repo.devs.add(row.authorGithubId);
    repo.files += files;
  }

  build(meta: {
    orgId: string;
    asOfSeq: number;
    readModelVersion: number;
    activityIndex: ReadonlyMap<string, number>;
  }): Dashboard {
    const developers = [...this.#devs]
      .map(([devId, d]) => ({
        devId,
        commits: d.commits,
        activeDays: d.days.size,
        filesChanged: d.files,
        activityIndex: meta.activityIndex.get(devId) ?? 0,
      }))
      .sort((a, b) => b.commits - a.commits || compare(a.devId, b.devId));
    const repos = [...this.#repos]
      .map(([repoId, r]) => ({
        repoId,
        commits: r.commits,
        developers: r.devs.size,
        filesChanged: r.files,
      }))
      .sort((a, b) => b.commits - a.commits || compare(a.repoId, b.repoId));
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
        activeDays: this.#byDay.size,
        filesChanged: this.#files,
      },
      heatmap: {
        days: daysOf(this.range).map((day) => ({ day, commits: this.#byDay.get(day) ?? 0 })),
        weekdayHour: this.#weekdayHour.map((row) => [...row]),
      },
      developers,
      repos,
    };
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
