import { createHash } from 'node:crypto';

/** One commit to put in a generated push. */
export interface FakeCommit {
  /** The GitHub login (and, unless `name` is given, the author's name too). */
  author: string;
  /** The author's name as git records it; defaults to `author`. */
  name?: string;
  /** Defaults to `<author>@users.noreply.github.com`. */
  email?: string;
  /** Set to false to send the author without a GitHub username (email identity). */
  withUsername?: boolean;
  /** ISO 8601 with the author's offset as GitHub sends it (`2025-11-19T11:00:00+02:00`), or `Z`. */
  timestamp: string;
  message?: string;
  files?: { added?: string[]; removed?: string[]; modified?: string[] };
  distinct?: boolean;
  sha?: string;
}

export interface FakePush {
  owner: string;
  repo: string;
  repoId: number;
  ref?: string;
  commits: FakeCommit[];
}

/** A deterministic 40-hex sha for a seed. */
export function fakeSha(seed: string): string {
  return createHash('sha1').update(seed).digest('hex');
}

/**
 * Builds a push payload with the shape and size of a real GitHub one (URLs, owner, pusher,
 * head_commit, committer…), so what ingest stores and projectors parse is realistic.
 */
export function buildPushPayload(push: FakePush): Record<string, unknown> {
  const full = `${push.owner}/${push.repo}`;
  const html = `https://github.com/${full}`;
  const api = `https://api.github.com/repos/${full}`;
  const commits = push.commits.map((c, i) => {
    const id = c.sha ?? fakeSha(`${full}:${c.author}:${c.timestamp}:${i}:${c.message ?? ''}`);
    const email = c.email ?? `${c.author}@users.noreply.github.com`;
    const person = {
      name: c.name ?? c.author,
      email,
      ...(c.withUsername === false ? {} : { username: c.author }),
    };
    return {
      id,
      tree_id: fakeSha(`tree:${id}`),
      distinct: c.distinct ?? true,
      message: c.message ?? `Change ${i + 1} by ${c.author}`,
      timestamp: c.timestamp,
      url: `${html}/commit/${id}`,
      author: person,
      committer: person,
      added: c.files?.added ?? [],
      removed: c.files?.removed ?? [],
      modified: c.files?.modified ?? ['src/index.ts'],
    };
  });
  const owner = {
    name: push.owner,
    email: null,
    login: push.owner,
    id: 1000 + (push.repoId % 100000),
    node_id: 'MDEyOk9yZ2FuaXphdGlvbjE=',
    avatar_url: `https://avatars.githubusercontent.com/u/${push.repoId}?v=4`,
    url: `https://api.github.com/users/${push.owner}`,
    html_url: `https://github.com/${push.owner}`,
    repos_url: `https://api.github.com/users/${push.owner}/repos`,
    events_url: `https://api.github.com/users/${push.owner}/events{/privacy}`,
    type: 'Organization',
    site_admin: false,
  };
  const urls = Object.fromEntries(
    [
      'forks',
      'keys',
      'collaborators',
      'teams',
      'hooks',
      'issue_events',
      'events',
      'assignees',
      'branches',
      'tags',
      'blobs',
      'git_tags',
      'git_refs',
      'trees',
      'statuses',
      'languages',
      'stargazers',
      'contributors',
      'subscribers',
      'subscription',
      'commits',
      'git_commits',
      'comments',
      'issue_comment',
      'contents',
      'compare',
      'merges',
      'archive',
      'downloads',
      'issues',
      'pulls',
      'milestones',
      'notifications',
      'labels',
      'releases',
      'deployments',
    ].map((k) => [`${k}_url`, `${api}/${k.replace(/_/g, '/')}`]),
  );
  const last = commits.at(-1);
  const sender = commits[0]?.author.username ?? push.owner;
  return {
    ref: push.ref ?? 'refs/heads/main',
    before: fakeSha(`before:${last?.id ?? ''}`),
    after: last?.id ?? '0000000000000000000000000000000000000000',
    repository: {
      id: push.repoId,
      node_id: Buffer.from(`010:Repository${push.repoId}`).toString('base64'),
      name: push.repo,
      full_name: full,
      private: false,
      owner,
      html_url: html,
      description: `The ${push.repo} repository`,
      fork: false,
      url: html,
      ...urls,
      created_at: 1557933565,
      updated_at: '2026-11-19T10:00:00Z',
      pushed_at: 1763546400,
      git_url: `git://github.com/${full}.git`,
      ssh_url: `git@github.com:${full}.git`,
      clone_url: `${html}.git`,
      homepage: null,
      size: 1024,
      stargazers_count: 12,
      watchers_count: 12,
      language: 'TypeScript',
      default_branch: 'main',
      master_branch: 'main',
      organization: push.owner,
    },
    pusher: { name: sender, email: `${sender}@users.noreply.github.com` },
    organization: { login: push.owner, id: owner.id, url: owner.url },
    sender: {
      login: sender,
      id: 424242,
      type: 'User',
      site_admin: false,
      url: `https://api.github.com/users/${sender}`,
    },
    created: false,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `${html}/compare/${commits[0]?.id.slice(0, 12) ?? 'x'}...${last?.id.slice(0, 12) ?? 'y'}`,
    commits,
    head_commit: last ?? null,
  };
}
