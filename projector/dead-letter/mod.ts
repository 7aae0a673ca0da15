/** Dead letters: writing them (runner, advisories), and operating on them (CLI). */
export {
  DeadLetterWriter,
  type DeadLetterAlert,
  type DeadLetterReason,
} from './dead-letter-writer.ts';
export { AdvisoryWatcher } from './advisory-watcher.ts';
export {
  getDeadLetter,
  listDeadLetters,
  purgeDeadLetters,
  retryDeadLetter,
  type DeadLetter,
  type RetryResult,
} from './dlq-admin.ts';
