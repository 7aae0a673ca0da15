import { DAY_MS, dayStartMs } from '../../schemas/utc-day.ts';
import { buildPushPayload, type FakeCommit } from './push-payload.ts';

/** How a simulation spreads its pushes (`teampulse simulate` flags; the benches' load). */
export interface SimulationShape {
  readonly orgs: number;
  readonly repos: number;
  readonly authors: number;
  readonly commits: number;
  readonly days: number;
  readonly seed: string;
  /** Midnight UTC of the last day (default: today). */
  readonly baseDayMs?: number;
}

/** Midnight (UTC) of today: simulated commits end today, so 7-day metrics have something to show. */
function todayUtc(): number {
  return dayStartMs(Date.now());
}

/** Builds push number `i` of a simulation: deterministic for a seed, spread over orgs, repos, authors and days. */
export function simulatedPush(i: number, o: SimulationShape): Record<string, unknown> {
  const org = `org${i % o.orgs}`;
  const repoN = Math.floor(i / o.orgs) % o.repos;
  const dayMs = (o.baseDayMs ?? todayUtc()) - (i % o.days) * DAY_MS;
  const commits: FakeCommit[] = Array.from({ length: o.commits }, (_, c) => {
    const author = `dev${(i * 7 + c * 3) % o.authors}`;
    const top = ['src', 'tests', 'docs', 'api', 'web'][(i + c) % 5]!;
    return {
      author,
      timestamp: new Date(dayMs + ((i * 7919 + c * 3607) % 86_400) * 1000)
        .toISOString()
        .replace('.000', ''),
      message: `${o.seed} change ${i}.${c}`,
      files: {
        modified: [`${top}/module${c % 3}/file${i % 11}.ts`],
        added: c === 0 ? ['README.md'] : [],
      },
    };
  });
  return buildPushPayload({
    owner: org,
    repo: `repo${repoN}`,
    repoId: 1_000 + (i % o.orgs) * 100 + repoN,
    commits,
  });
}
