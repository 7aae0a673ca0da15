import { TeamPulseError } from '../errors.ts';

/** Codes of {@link NatsAuthError}. */
export const NatsAuthErrorCode = {
  AuthDirMissing: 'nats_auth_dir_missing',
  KeysInvalid: 'nats_auth_keys_invalid',
  UnknownRole: 'nats_auth_unknown_role',
  BadExpiry: 'nats_auth_bad_expiry',
} as const;
export type NatsAuthErrorCode = (typeof NatsAuthErrorCode)[keyof typeof NatsAuthErrorCode];

/** Making or reading NATS keys and credentials failed; the message names what to fix. */
export class NatsAuthError extends TeamPulseError {
  override name = 'NatsAuthError';
  constructor(code: NatsAuthErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
