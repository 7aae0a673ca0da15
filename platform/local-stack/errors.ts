/**
 * Why a local server could not be provided. `as const` object instead of an enum, so
 * the codes are plain strings in logs and tests can compare against them.
 */
export const LocalStackErrorCode = {
  BinaryMissing: 'BINARY_MISSING',
  BuildFailed: 'BUILD_FAILED',
  LockTimeout: 'LOCK_TIMEOUT',
  PortInUse: 'PORT_IN_USE',
  ExitedEarly: 'EXITED_EARLY',
  StartTimeout: 'START_TIMEOUT',
  ConfigInvalid: 'CONFIG_INVALID',
} as const;

/** One of the values of {@link LocalStackErrorCode}. */
export type LocalStackErrorCode = (typeof LocalStackErrorCode)[keyof typeof LocalStackErrorCode];

/** Error raised by `platform/local-stack`; `code` says what failed, `cause` keeps the origin. */
export class LocalStackError extends Error {
  override readonly name = 'LocalStackError';
  readonly code: LocalStackErrorCode;

  constructor(code: LocalStackErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
