/**
 * The fault suite's corpus: a seeded, pure generator of realistic push deliveries, and the
 * read models they must produce, computed here without any projector code.
 */
import { fakeSha, type FakePush } from '../../platform/github/push-payload.ts';
import { devDayKey } from '../../schemas/redis-keys.ts';
import { utcDay } from '../../schemas/utc-day.ts';
import { seededRandom } from './seeded-random.ts';

/** One delivery as the sender posts it; a redelivery repeats an earlier `id` and `push`. */
export interface CorpusDelivery {
  readonly id: string;
  readonly push: FakePush;
}

/** Options of {@link generateCorpus}. */
export interface CorpusOptions {
  readonly seed: number;
  /** Deliveries to post, redeliveries included. */
  readonly deliveries: number;
  readonly orgs?: number;
  readonly reposPerOrg?: number;
}

/**
 * `deliveries` pushes over several orgs and repos, 1–5 commits each, by a few developers per
 * org over 30 days. About 1 in 12 is a redelivery (an earlier delivery id and body again, as
 * GitHub's "redeliver" sends), about 1 in 10 a `distinct: false` repeat (earlier commits
 * pushed again to another branch, under a new delivery id). Pure.
 */
export function generateCorpus(opts: CorpusOptions): CorpusDelivery[] {
  const rnd = seededRandom(opts.seed);
  const pick = (n: number) => Math.floor(rnd() * n);
  const orgs = opts.orgs ?? 4;
  const repos = opts.reposPerOrg ?? 3;
  const out: CorpusDelivery[] = [];
  for (let i = 0; i < opts.deliveries; i++) {
    const r = rnd();
    if (out.length > 10 && r < 0.08) {
      out.push(out[out.length - 1 - pick(Math.min(out.length, 50))]!);
      continue;
    }
    if (out.length > 10 && r < 0.18) {
      const earlier = out[out.length - 1 - pick(Math.min(out.length, 200))]!.push;
      out.push({
        id: `fault-${opts.seed}-${i}`,
        push: {
          ...earlier,
          ref: `refs/heads/feature-${i}`,
          commits: earlier.commits.map((c) => ({ ...c, distinct: false })),
        },
      });
      continue;
    }
    const org = pick(orgs);
    const repo = pick(repos);
    const n = 1 + pick(5);
    const day = pick(30);
    out.push({
      id: `fault-${opts.seed}-${i}`,
      push: {
        owner: `Fault-Org${org}`,
        repo: `repo-${repo}`,
        repoId: 90_000 + org * 100 + repo,
        commits: Array.from({ length: n }, (_, j) => ({
          author: `dev${org}-${pick(6)}`,
          timestamp: new Date(
            Date.UTC(2026, 9, 1 + day, pick(24), pick(60), pick(60)) + j * 60_000,
          ).toISOString(),
          sha: fakeSha(`fault-${opts.seed}-${i}-${j}`),
          message: `change ${i}.${j}`,
          files: { modified: [`mod${pick(4)}/f${pick(9)}.ts`] },
        })),
      },
    });
  }
  return out;
}

/** What the read models must hold for a corpus, computed independently of the projector. */
export interface ExpectedModel {
  /** `<repoId>:<sha>` of every commit, each once. */
  readonly commits: ReadonlySet<string>;
  /** Redis counter key → distinct (repoId, sha) per org, developer and UTC day. */
  readonly counters: Readonly<Record<string, number>>;
}

/** The expected commits and counters of a corpus: distinct (repoId, sha), per org/dev/day. Pure. */
export function expectedModel(corpus: readonly CorpusDelivery[]): ExpectedModel {
  const commits = new Set<string>();
  const perKey = new Map<string, Set<string>>();
  for (const { push } of corpus) {
    for (const c of push.commits) {
      const member = `${push.repoId}:${c.sha!}`;
      commits.add(member);
      const key = devDayKey(push.owner.toLowerCase(), c.author, utcDay(new Date(c.timestamp)));
      let set = perKey.get(key);
      if (!set) perKey.set(key, (set = new Set()));
      set.add(member);
    }
  }
  const counters = Object.fromEntries(
    [...perKey].map(([k, s]) => [k, s.size] as const).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  return { commits, counters };
}
