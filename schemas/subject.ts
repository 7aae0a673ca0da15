/**
 * Subject mapping of the log: `github.<event>.<owner>.<repo>`.
 *
 * NATS tokens cannot hold `.`, `*`, `>` or whitespace, so those (and `%`, the escape
 * character itself, and control characters) are percent-encoded. Because `%` is always
 * encoded, the mapping is reversible and two different names never share a token.
 */

/** Token used where an event has no repository (org- or app-level events). `~` never occurs in a GitHub login or repository name. */
export const NO_REPO_TOKEN = '~';

// eslint-disable-next-line no-control-regex
const MUST_ENCODE = /[.*>%\s\u0000-\u001f\u007f]/gu;

/** Percent-encodes the characters a NATS subject token cannot hold. */
export function encodeToken(name: string): string {
  if (name.length === 0) throw new RangeError('a subject token cannot be empty');
  return name.replace(MUST_ENCODE, (ch) => {
    const bytes = Buffer.from(ch, 'utf8');
    let out = '';
    for (const b of bytes) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
    return out;
  });
}

/** Inverse of {@link encodeToken}. */
export function decodeToken(token: string): string {
  return decodeURIComponent(token);
}

/** The log subject for a GitHub event; owner and repo are lower-cased first. */
export function githubSubject(
  event: string,
  owner: string | undefined,
  repo: string | undefined,
): string {
  const o = owner ? encodeToken(owner.toLowerCase()) : NO_REPO_TOKEN;
  const r = repo ? encodeToken(repo.toLowerCase()) : NO_REPO_TOKEN;
  return `github.${encodeToken(event)}.${o}.${r}`;
}

/** Parses a log subject back into its parts (`undefined` owner/repo for {@link NO_REPO_TOKEN}). */
export function parseGithubSubject(subject: string): {
  event: string;
  owner?: string;
  repo?: string;
} {
  const parts = subject.split('.');
  if (parts.length !== 4 || parts[0] !== 'github')
    throw new RangeError(`not a log subject: ${subject}`);
  const [, event, owner, repo] = parts as [string, string, string, string];
  return {
    event: decodeToken(event),
    ...(owner === NO_REPO_TOKEN ? {} : { owner: decodeToken(owner) }),
    ...(repo === NO_REPO_TOKEN ? {} : { repo: decodeToken(repo) }),
  };
}

/** Subject of a COMMITS_UPDATED message for one repository. */
export function updatesSubject(orgId: string, repoId: string): string {
  return `teampulse.updates.${encodeToken(orgId)}.${encodeToken(repoId)}`;
}

/** Subject filter of every log event of one org (or one repo of it). */
export function githubFilter(opts: { event?: string; owner?: string; repo?: string } = {}): string {
  const e = opts.event ? encodeToken(opts.event) : '*';
  const o = opts.owner ? encodeToken(opts.owner.toLowerCase()) : '*';
  const r = opts.repo ? encodeToken(opts.repo.toLowerCase()) : '*';
  return `github.${e}.${o}.${r}`;
}
