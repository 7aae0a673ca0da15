import type { AuthorMap } from './author-map.ts';
import type { GitCommit } from './git-record.ts';

/** The repository a backfill writes for. */
export interface RepoIdentity {
  readonly owner: string;
  readonly repo: string;
  /** GitHub's numeric repository id (`repository.id`): the key of every read model. */
  readonly repoId: number;
  readonly branch: string;
}

/** Which git date is the commit's `timestamp`. */
export const CommitDates = { author: 'author', committer: 'committer' } as const;
export type CommitDate = (typeof CommitDates)[keyof typeof CommitDates];

const ZERO_SHA = '0000000000000000000000000000000000000000';

/**
 * A push webhook payload, in GitHub's shape, for a run of commits of a branch: real shas,
 * authors, timestamps and changed files. An author whose email is in `authors` carries
 * that GitHub login as `username` (as GitHub sends it for linked accounts); others have
 * name and email only, so the projector counts them as `email:<email>`. Pure.
 */
export function backfillPushPayload(
  id: RepoIdentity,
  commits: readonly GitCommit[],
  opts: { authors: AuthorMap; date: CommitDate; before?: string | undefined },
): Record<string, unknown> {
  const full = `${id.owner}/${id.repo}`;
  const html = `https://github.com/${full}`;
  const shaped = commits.map((c) => {
    const login = opts.authors.get(c.authorEmail.toLowerCase());
    return {
      id: c.sha,
      distinct: true,
      message: c.message,
      timestamp: opts.date === CommitDates.committer ? c.committerDate : c.authorDate,
      url: `${html}/commit/${c.sha}`,
      author: { name: c.authorName, email: c.authorEmail, ...(login ? { username: login } : {}) },
      committer: { name: c.committerName, email: c.committerEmail },
      added: c.added,
      removed: c.removed,
      modified: c.modified,
    };
  });
  const first = commits[0];
  const last = shaped.at(-1);
  const before = opts.before ?? first?.parents[0] ?? ZERO_SHA;
  return {
    ref: `refs/heads/${id.branch}`,
    before,
    after: last?.id ?? ZERO_SHA,
    repository: {
      id: id.repoId,
      name: id.repo,
      full_name: full,
      private: false,
      owner: { name: id.owner, login: id.owner },
      html_url: html,
      url: html,
      default_branch: id.branch,
    },
    pusher: { name: 'teampulse-backfill', email: null },
    sender: { login: 'teampulse-backfill', type: 'Bot' },
    created: false,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `${html}/compare/${before.slice(0, 12)}...${(last?.id ?? ZERO_SHA).slice(0, 12)}`,
    commits: shaped,
    head_commit: last ?? null,
  };
}
