/**
 * A deterministic, realistic year of one org for the dashboard benchmark: developers with
 * a home repository, a UTC offset and very unequal activity (a few do most commits), office
 * hours on weekdays in their own time, 1–3 modules per commit. Documents have exactly the
 * shape the projector writes (`CommitDoc`, every optional field set).
 */
import type { Db } from 'mongodb';
import {
  DashboardDay,
  dashboardDaySnapshot,
  type DashboardDaySnapshot,
} from '../../projector/mod.ts';
import { Collections, type CommitDoc } from '../../schemas/read-models.ts';
import { snapshotDocument } from '../../platform/snapshot-codec.ts';
import { DAY_MS, dayStart, utcDay } from '../../schemas/utc-day.ts';
import { seededRandom } from '../../test/support/seeded-random.ts';

export interface SeedOptions {
  orgId: string;
  developers: number;
  repos: number;
  commits: number;
  /** Last UTC day of the year seeded (the year ends there). */
  to: string;
  days: number;
  seed: number;
}

/** Offsets of the developers' clocks, minutes east of UTC (India and Nepal included). */
const OFFSETS = [-480, -420, -300, -240, -180, 0, 60, 60, 60, 120, 120, 180, 330, 345, 480, 540];
const MODULES = ['src', 'lib', 'docs', 'test', 'api', 'web', 'infra', 'scripts', 'cli', '.'];

interface Dev {
  id: string;
  name: string;
  offset: number;
  repo: number;
}

/** The org's commits, generated lazily in chunks (so a large seed never sits in memory). */
export function* seedCommits(o: SeedOptions, chunk = 5000): Generator<CommitDoc[]> {
  const rand = seededRandom(o.seed);
  const devs: Dev[] = Array.from({ length: o.developers }, (_, i) => ({
    // One in ten commits without a linked GitHub account: an email identity.
    id: i % 10 === 9 ? `email:dev${i}@corp.example` : `dev${i}`,
    name: `Developer ${i} ${['Smith', 'Garcia', 'Nguyen', 'Patel', 'Kowalski'][i % 5]}`,
    offset: OFFSETS[Math.floor(rand() * OFFSETS.length)] ?? 0,
    repo: Math.floor(rand() * o.repos),
  }));
  // Pareto-like weights, cumulated for sampling by binary search.
  const cumulative: number[] = [];
  let total = 0;
  for (let i = 0; i < devs.length; i++) cumulative.push((total += 1 / Math.pow(rand(), 0.7)));
  const pick = (): Dev => {
    const x = rand() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 0) < x) lo = mid + 1;
      else hi = mid;
    }
    return devs[lo] ?? devs[0]!;
  };
  const first = dayStart(o.to).getTime() - (o.days - 1) * DAY_MS;
  let out: CommitDoc[] = [];
  for (let n = 0; n < o.commits; n++) {
    const dev = pick();
    let day = Math.floor(rand() * o.days);
    // Weekends are quiet: most commits that land there move to the Friday before.
    const weekday = (Math.floor(first / DAY_MS) + day + 3) % 7;
    if (weekday >= 5 && rand() < 0.8) day = Math.max(0, day - (weekday - 4));
    const localHour = Math.min(
      23,
      Math.max(0, Math.round(13 + (rand() + rand() + rand() - 1.5) * 6)),
    );
    const t = first + day * DAY_MS + localHour * 3_600_000 + Math.floor(rand() * 3_600_000);
    const repo = rand() < 0.8 ? dev.repo : Math.floor(rand() * o.repos);
    const modules = new Set<string>();
    const k = 1 + Math.floor(rand() * rand() * 3);
    for (let j = 0; j < k; j++) modules.add(MODULES[Math.floor(rand() * rand() * MODULES.length)]!);
    out.push({
      sha: `${o.seed.toString(16)}${n.toString(16)}`.padStart(40, '0'),
      repoId: String(1000 + repo),
      orgId: o.orgId,
      authorGithubId: dev.id,
      message: `Change ${n} in ${[...modules].join(', ')}: keep the dashboard honest`,
      timestamp: new Date(t - dev.offset * 60_000),
      filesCount: 1 + Math.floor(rand() * rand() * 12),
      modulePaths: [...modules].sort(),
      processed: true,
      authorName: dev.name,
      utcOffsetMinutes: dev.offset,
      repoName: `${o.orgId}/repo-${repo}`,
    });
    if (out.length === chunk) {
      yield out;
      out = [];
    }
  }
  if (out.length) yield out;
}

/**
 * Inserts a seeded year of one org ({@link seedCommits}) into `db`'s `commits`, and the
 * `dashboard_day` rollups the projector would write for it into `metrics_snapshots`
 * (as stored: the payload as text). Resolves the number of commits and the rollups.
 */
export async function seedOrgYear(
  db: Db,
  o: SeedOptions,
): Promise<{ commits: number; days: DashboardDaySnapshot[] }> {
  const days = new Map<string, DashboardDay>();
  let commits = 0;
  for (const chunk of seedCommits(o)) {
    await db.collection(Collections.commits).insertMany(chunk, { ordered: false });
    commits += chunk.length;
    for (const c of chunk) rollUp(days, c);
  }
  const rollups = daySnapshots(o.orgId, days);
  await db
    .collection<{ _id: string }>(Collections.metricsSnapshots)
    .insertMany(rollups.map(snapshotDocument));
  return { commits, days: rollups };
}

/** The `dashboard_day` rollups of a seeded year, in memory only (nothing written). */
export function seededDays(o: SeedOptions): DashboardDaySnapshot[] {
  const days = new Map<string, DashboardDay>();
  for (const chunk of seedCommits(o)) for (const c of chunk) rollUp(days, c);
  return daySnapshots(o.orgId, days);
}

function rollUp(days: Map<string, DashboardDay>, c: CommitDoc): void {
  const day = utcDay(c.timestamp);
  let acc = days.get(day);
  if (!acc) days.set(day, (acc = new DashboardDay()));
  acc.add(c);
}

function daySnapshots(orgId: string, days: Map<string, DashboardDay>): DashboardDaySnapshot[] {
  return [...days].flatMap(([day, acc]) => {
    const s = dashboardDaySnapshot(orgId, day, acc);
    return s ? [s] : [];
  });
}
