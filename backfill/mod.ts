/** Backfill: a git clone's history → push events in GitHub's shape → the log. */
export {
  runBackfill,
  MAX_PUSH_COMMITS,
  type Appender,
  type BackfillOptions,
  type BackfillSummary,
} from './run-backfill.ts';
export { gitLog, type GitLogOptions } from './git-log.ts';
export { parseGitRecord, GitRecordSplitter, GIT_LOG_FORMAT, type GitCommit } from './git-record.ts';
export {
  backfillPushPayload,
  CommitDates,
  type CommitDate,
  type RepoIdentity,
} from './push-payload.ts';
export { backfillDeliveryId } from './delivery-id.ts';
export { parseAuthorMap, readAuthorMap, type AuthorMap } from './author-map.ts';
export { BackfillError, BackfillErrorCode } from './errors.ts';
