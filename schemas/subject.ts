/**
 * Every subject TeamPulse builds or parses, in one place:
 * - the log: `github.<event>.<owner>.<repo>`;
 * - updates: `teampulse.updates.<orgId>.<repoId>`;
 * - dead letters: `dlq.<log subject>`;
 * - alerts: `teampulse.alerts.<kind>`.
 *
 * NATS tokens cannot hold `.`, `*`, `>` or whitespace, so those (and `%`, the escape
 * character itself, and control characters) are percent-encoded. Because `%` is always
 * encoded, the mapping is reversible and two different names never share a token.
 */

import { Subjects } from './streams.ts';

/**
 * Longest log subject ingest publishes. NATS closes a connection whose protocol line
 * exceeds max_control_line (4 KiB by default); the subject is most of that line.
 */
export const MAX_SUBJECT_BYTES = 2048;

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
  return `${SubjectRoots.github}.${encodeToken(event)}.${o}.${r}`;
}

/** Parses a log subject back into its parts (`undefined` owner/repo for {@link NO_REPO_TOKEN}). */
export function parseGithubSubject(subject: string): {
  event: string;
  owner?: string;
  repo?: string;
} {
  const parts = subject.split('.');
  if (parts.length !== 4 || parts[0] !== SubjectRoots.github)
    throw new RangeError(`not a log subject: ${subject}`);
  const [, event, owner, repo] = parts as [string, string, string, string];
  return {
    event: decodeToken(event),
    ...(owner === NO_REPO_TOKEN ? {} : { owner: decodeToken(owner) }),
    ...(repo === NO_REPO_TOKEN ? {} : { repo: decodeToken(repo) }),
  };
}

/**
 * The leading tokens of each family of subjects: a filter lies inside a family when its
 * first tokens are these (`teampulse tail --subject` picks its stream by them).
 */
export const SubjectRoots = {
  github: 'github',
  updates: 'teampulse.updates',
  alerts: Subjects.alertsPrefix,
} as const;

const UPDATES_PREFIX = `${SubjectRoots.updates}.`;
const ALERTS_PREFIX = `${SubjectRoots.alerts}.`;
const DLQ_PREFIX = 'dlq.';

/** Subject of a COMMITS_UPDATED message for one repository. */
export function updatesSubject(orgId: string, repoId: string): string {
  return `${UPDATES_PREFIX}${encodeToken(orgId)}.${encodeToken(repoId)}`;
}

/** The tokens of an updates subject, as sent, and the ids they encode. */
export interface UpdatesSubjectParts {
  orgToken: string;
  repoToken: string;
  orgId: string;
  repoId: string;
}

/** Parses an updates subject; a RangeError when it is not one or a token is malformed. */
export function parseUpdatesSubject(subject: string): UpdatesSubjectParts {
  const parts = subject.startsWith(UPDATES_PREFIX)
    ? subject.slice(UPDATES_PREFIX.length).split('.')
    : [];
  const [orgToken, repoToken] = parts;
  if (parts.length !== 2 || !orgToken || !repoToken)
    throw new RangeError(`not an updates subject: ${subject}`);
  try {
    return { orgToken, repoToken, orgId: decodeToken(orgToken), repoId: decodeToken(repoToken) };
  } catch (err) {
    throw new RangeError(`updates subject ${subject} has a malformed token`, { cause: err });
  }
}

/** Subject filter of every update of one org, by its subject token (as in its room name). */
export function updatesOrgFilter(orgToken: string): string {
  return `${UPDATES_PREFIX}${orgToken}.>`;
}

/** Subject filter of updates: of one org (by id), of one repository, or `*` for what is not given. */
export function updatesFilter(opts: { orgId?: string; repoId?: string } = {}): string {
  const o = opts.orgId ? encodeToken(opts.orgId) : '*';
  const r = opts.repoId ? encodeToken(opts.repoId) : '*';
  return `${UPDATES_PREFIX}${o}.${r}`;
}

/** The kind of an alert from its subject (`dlq` of `teampulse.alerts.dlq`); a RangeError when it is not one. */
export function parseAlertsSubject(subject: string): string {
  const tokens = subject.startsWith(ALERTS_PREFIX)
    ? subject.slice(ALERTS_PREFIX.length).split('.')
    : [];
  if (tokens.length === 0 || tokens.some((t) => t.length === 0))
    throw new RangeError(`not an alerts subject: ${subject}`);
  return tokens.map(decodeToken).join('.');
}

/** Subject a log message is dead-lettered under. */
export function dlqSubject(logSubject: string): string {
  return DLQ_PREFIX + logSubject;
}

/** The log subject of a dead letter's subject; a RangeError when it is not one. */
export function parseDlqSubject(subject: string): string {
  if (!subject.startsWith(DLQ_PREFIX))
    throw new RangeError(`not a dead-letter subject: ${subject}`);
  return subject.slice(DLQ_PREFIX.length);
}

/** Filter of every log subject of one event, whatever its owner and repo (the projector's `github.push.>`). */
export function githubEventFilter(event: string): string {
  return `${SubjectRoots.github}.${encodeToken(event)}.>`;
}

/** Subject filter of every log event of one org (or one repo of it). */
export function githubFilter(opts: { event?: string; owner?: string; repo?: string } = {}): string {
  const e = opts.event ? encodeToken(opts.event) : '*';
  const o = opts.owner ? encodeToken(opts.owner.toLowerCase()) : '*';
  const r = opts.repo ? encodeToken(opts.repo.toLowerCase()) : '*';
  return `${SubjectRoots.github}.${e}.${o}.${r}`;
}
