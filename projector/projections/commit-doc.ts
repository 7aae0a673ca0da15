import type { PushEvent, RepositoryRef } from '../../schemas/push-event.ts';
import type { CommitDoc } from '../../schemas/read-models.ts';
import { devIdOf, orgIdOf, repoIdOf, type OrgMappings } from './identity.ts';
import { modulePaths } from './module-paths.ts';

/** The key of a commit in every read model: `<repoId>:<sha>`. */
export function commitKey(doc: Pick<CommitDoc, 'repoId' | 'sha'>): string {
  return `${doc.repoId}:${doc.sha}`;
}

/**
 * Inverse of {@link commitKey} (a seen set's member read back); undefined when `key` is
 * not one (a sha holds no `:`, so the last one splits).
 */
export function parseCommitKey(key: string): Pick<CommitDoc, 'repoId' | 'sha'> | undefined {
  const i = key.lastIndexOf(':');
  if (i <= 0 || i === key.length - 1) return undefined;
  return { repoId: key.slice(0, i), sha: key.slice(i + 1) };
}

/**
 * The `commits` documents of a push, one per commit, whether or not GitHub marked it
 * `distinct` (a non-distinct commit may be new to this repository's read model; the
 * (repoId, sha) key makes a second sighting a no-op anyway). Optional fields are left out
 * rather than set to `undefined`: the driver would store `null`, and stored and in-memory
 * models would no longer compare equal. Pure.
 */
export function commitDocsOf(push: PushEvent, mappings: OrgMappings): CommitDoc[] {
  const orgId = orgIdOf(push.repository, mappings);
  const repoId = repoIdOf(push.repository);
  const repoName = repoNameOf(push.repository);
  return push.commits.map((c) => {
    const doc: CommitDoc = {
      sha: c.id,
      repoId,
      orgId,
      authorGithubId: devIdOf(c.author),
      message: c.message,
      timestamp: new Date(c.timestamp),
      filesCount: c.added.length + c.removed.length + c.modified.length,
      modulePaths: modulePaths(c),
      processed: true,
    };
    if (c.author.name) doc.authorName = c.author.name;
    const offset = utcOffsetMinutesOf(c.timestamp);
    if (offset !== undefined) doc.utcOffsetMinutes = offset;
    if (repoName) doc.repoName = repoName;
    return doc;
  });
}

const OFFSET = /([+-])(\d{2}):?(\d{2})?$/;

/**
 * Minutes east of UTC of an ISO 8601 timestamp's offset: `+02:00` → 120, `-05:30` → -330,
 * `+00:00` → 0 (an author whose clock is on UTC). `Z`, or no offset at all, → undefined:
 * GitHub writes the author's offset, so `Z` says only that the writer did not know it.
 */
export function utcOffsetMinutesOf(timestamp: string): number | undefined {
  if (!timestamp.includes('T')) return undefined;
  const m = OFFSET.exec(timestamp.slice(timestamp.indexOf('T')));
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  if (minutes > 16 * 60) return undefined;
  return m[1] === '-' ? -minutes : minutes;
}

/** `owner/name`: `repository.full_name`, else built from the owner's login (or name). */
export function repoNameOf(repository: RepositoryRef): string | undefined {
  if (repository.full_name) return repository.full_name;
  const owner = repository.owner?.login ?? repository.owner?.name;
  return owner ? `${owner}/${repository.name}` : undefined;
}
