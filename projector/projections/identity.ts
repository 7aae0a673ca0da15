import type { PushCommit, RepositoryRef } from '../../schemas/push-event.ts';
import { ProjectorError, ProjectorErrorCode } from '../errors.ts';

/** Registered owner → org mappings (`ORG_MAPPINGS`), keyed by lower-cased owner login. */
export type OrgMappings = Readonly<Record<string, string>>;

/**
 * `orgId` = `repository.owner.login` lower-cased, unless a mapping names another org.
 * Older payloads carry the owner as `name` only, so that is the fallback.
 */
export function orgIdOf(repository: RepositoryRef, mappings: OrgMappings = {}): string {
  const login = repository.owner?.login ?? repository.owner?.name;
  if (login === undefined) {
    throw new ProjectorError(
      ProjectorErrorCode.identity,
      'repository.owner is null or has neither login nor name',
    );
  }
  const owner = login.toLowerCase();
  return mappings[owner] ?? owner;
}

/** `repoId` = `String(repository.id)`: stable across renames and transfers. */
export function repoIdOf(repository: RepositoryRef): string {
  return String(repository.id);
}

/**
 * Developer id: the GitHub username when the author has one, else `email:` + the
 * lower-cased email (commits by people with no GitHub account, or unlinked emails).
 */
export function devIdOf(author: PushCommit['author']): string {
  if (author.username) return author.username;
  if (author.email) return `email:${author.email.toLowerCase()}`;
  throw new ProjectorError(
    ProjectorErrorCode.identity,
    'commit author has neither username nor email',
  );
}

/** Lower-cases the keys of `ORG_MAPPINGS`, since owners are matched lower-cased. */
export function normalizeOrgMappings(
  raw: Readonly<Record<string, string>> | undefined,
): OrgMappings {
  const out: Record<string, string> = {};
  for (const [owner, org] of Object.entries(raw ?? {})) out[owner.toLowerCase()] = org;
  return out;
}
