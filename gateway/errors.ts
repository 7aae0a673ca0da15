import { HttpError } from '../platform/http/http-error.ts';

/** Why a token was refused; also the `reason` label of the auth-failure metric. */
export const AuthFailure = {
  missing: 'token_missing',
  malformed: 'token_malformed',
  forged: 'token_bad_signature',
  expired: 'token_expired',
  audience: 'token_wrong_audience',
  issuer: 'token_wrong_issuer',
  claims: 'token_bad_claims',
} as const;
export type AuthFailure = (typeof AuthFailure)[keyof typeof AuthFailure];

/** A request without a usable token: answered 401, at upgrade and on the API alike. */
export class AuthError extends HttpError {
  override name = 'AuthError';
  readonly reason: AuthFailure;
  constructor(reason: AuthFailure, message: string, options?: { cause?: unknown }) {
    super(401, reason, message, options);
    this.reason = reason;
  }
}

/** A valid token that does not name the org asked for: 403. */
export class ForbiddenOrgError extends HttpError {
  override name = 'ForbiddenOrgError';
  constructor(orgId: string) {
    super(403, 'forbidden_org', `the token does not grant access to org ${JSON.stringify(orgId)}`);
  }
}

/** A dashboard query the API refuses to run (bad dates, reversed or too long a range): 400. */
export class BadQueryError extends HttpError {
  override name = 'BadQueryError';
  constructor(code: string, message: string) {
    super(400, code, message);
  }
}
