import { TeamPulseError } from '../platform/errors.ts';

/** Codes of backfill errors. */
export const BackfillErrorCode = {
  /** `git` failed (not a repository, unknown branch, git missing). */
  gitFailed: 'backfill_git_failed',
  /** The author map file is unreadable or not `{ "email": "login" }`. */
  authorMap: 'backfill_author_map_invalid',
  /** Options that cannot work (group size out of range, bad dates). */
  invalidOptions: 'backfill_invalid_options',
} as const;
export type BackfillErrorCode = (typeof BackfillErrorCode)[keyof typeof BackfillErrorCode];

/** An error of `teampulse backfill`. */
export class BackfillError extends TeamPulseError {
  override name = 'BackfillError';
  declare readonly code: BackfillErrorCode;
  constructor(code: BackfillErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
