import type { AppendResult, LogEntry } from '../platform/log/append.ts';
import type { AuthorMap } from './author-map.ts';
import { backfillDeliveryId } from './delivery-id.ts';
import { BackfillError, BackfillErrorCode } from './errors.ts';
import { gitLog } from './git-log.ts';
import type { GitCommit } from './git-record.ts';
import {
  backfillPushPayload,
  CommitDates,
  type CommitDate,
  type RepoIdentity,
} from './push-payload.ts';

/** GitHub's most commits in one push payload. */
export const MAX_PUSH_COMMITS = 2048;

export interface BackfillOptions extends RepoIdentity {
  /** Path of a local clone. */
  readonly path: string;
  readonly since?: Date | undefined;
  readonly until?: Date | undefined;
  /** Commits per push (default 100, at most 2048). */
  readonly groupSize?: number;
  readonly authors?: AuthorMap;
  readonly date?: CommitDate;
  readonly onPush?: (progress: BackfillSummary) => void;
}

/** What a backfill did. */
export interface BackfillSummary {
  commits: number;
  pushes: number;
  /** Pushes the log took. */
  appended: number;
  /** Pushes the log already had (same delivery id inside the dedupe window). */
  duplicates: number;
  /** Emails with no entry in the author map: counted as `email:<email>`. */
  unmappedAuthors: string[];
}

/** Where pushes go: `LogAppender` (the path ingest uses). */
export interface Appender {
  append(entry: LogEntry): Promise<AppendResult>;
}

/**
 * Turns a clone's history into push events and appends them to the log like ingest does:
 * groups of `groupSize` commits, oldest first, each a push payload in GitHub's shape with
 * a delivery id derived from (repoId, first sha, last sha). A second run appends nothing
 * (dedupe); a commit the projector already has (received live) is a no-op there.
 */
export async function runBackfill(
  appender: Appender,
  o: BackfillOptions,
): Promise<BackfillSummary> {
  const groupSize = o.groupSize ?? 100;
  if (!Number.isInteger(groupSize) || groupSize < 1 || groupSize > MAX_PUSH_COMMITS) {
    throw new BackfillError(
      BackfillErrorCode.invalidOptions,
      `group size must be 1..${MAX_PUSH_COMMITS}`,
    );
  }
  const authors = o.authors ?? new Map<string, string>();
  const unmapped = new Set<string>();
  const summary: BackfillSummary = {
    commits: 0,
    pushes: 0,
    appended: 0,
    duplicates: 0,
    unmappedAuthors: [],
  };
  let before: string | undefined;
  let group: GitCommit[] = [];
  const flush = async () => {
    if (group.length === 0) return;
    const payload = backfillPushPayload(o, group, {
      authors,
      date: o.date ?? CommitDates.author,
      before,
    });
    const deliveryId = backfillDeliveryId(o.repoId, group[0]!.sha, group.at(-1)!.sha);
    const result = await appender.append({
      event: 'push',
      deliveryId,
      body: Buffer.from(JSON.stringify(payload)),
      owner: o.owner,
      repo: o.repo,
      receivedAt: new Date(),
      githubHeaders: {
        'X-GitHub-Event': 'push',
        'X-GitHub-Delivery': deliveryId,
        'User-Agent': 'TeamPulse-Backfill',
      },
    });
    summary.pushes++;
    if (result.duplicate) summary.duplicates++;
    else summary.appended++;
    before = group.at(-1)!.sha;
    group = [];
    summary.unmappedAuthors = [...unmapped].sort();
    o.onPush?.(summary);
  };
  for await (const commit of gitLog(o)) {
    summary.commits++;
    if (!authors.has(commit.authorEmail.toLowerCase()))
      unmapped.add(commit.authorEmail.toLowerCase());
    group.push(commit);
    if (group.length >= groupSize) await flush();
  }
  await flush();
  summary.unmappedAuthors = [...unmapped].sort();
  return summary;
}
