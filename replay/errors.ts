import { TeamPulseError } from '../platform/errors.ts';

/** Codes of replay and read-model administration errors. */
export const ReplayErrorCode = {
  /** Another replay, rollback or cleanup holds the lock. */
  busy: 'replay_busy',
  /** `--resume` found no unfinished version to continue. */
  nothingToResume: 'replay_nothing_to_resume',
  /** A rollback with no previous version to go back to. */
  noPrevious: 'replay_no_previous',
  /** A version named on the command line that does not exist. */
  unknownVersion: 'replay_unknown_version',
  /** Options that cannot go together. */
  invalidOptions: 'replay_invalid_options',
  /** The replay was interrupted (Ctrl-C); the live read models are untouched. */
  interrupted: 'replay_interrupted',
} as const;
export type ReplayErrorCode = (typeof ReplayErrorCode)[keyof typeof ReplayErrorCode];

/** An error of a replay, rollback or cleanup. */
export class ReplayError extends TeamPulseError {
  override name = 'ReplayError';
  declare readonly code: ReplayErrorCode;
  constructor(code: ReplayErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
