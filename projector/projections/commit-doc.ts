import type { PushEvent } from '../../schemas/push-event.ts';
import type { CommitDoc } from '../../schemas/read-models.ts';
import { devIdOf, orgIdOf, repoIdOf, type OrgMappings } from './identity.ts';
import { modulePaths } from './module-paths.ts';

/** The key of a commit in every read model: `<repoId>:<sha>`. */
export function commitKey(doc: Pick<CommitDoc, 'repoId' | 'sha'>): string {
  return `${doc.repoId}:${doc.sha}`;
}

/**
 * The `commits` documents of a push, one per commit, whether or not GitHub marked it
 * `distinct` (a non-distinct commit may be new to this repository's read model; the
 * (repoId, sha) key makes a second sighting a no-op anyway). Pure.
 */
export function commitDocsOf(push: PushEvent, mappings: OrgMappings): CommitDoc[] {
  const orgId = orgIdOf(push.repository, mappings);
  const repoId = repoIdOf(push.repository);
  return push.commits.map((c) => ({
    sha: c.id,
    repoId,
    orgId,
    authorGithubId: devIdOf(c.author),
    message: c.message,
    timestamp: new Date(c.timestamp),
    filesCount: c.added.length + c.removed.length + c.modified.length,
    modulePaths: modulePaths(c),
    processed: true,
  }));
}
