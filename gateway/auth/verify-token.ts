import { errors, jwtVerify, type JWTPayload } from 'jose';
import { TokenClaims } from '../../schemas/ws-frames.ts';
import { AuthError, AuthFailure } from '../errors.ts';
import type { TokenKey, TokenKeys } from './token-keys.ts';

/** A verified token: the orgs it grants and when it stops being valid. */
export interface Principal {
  orgs: ReadonlySet<string>;
  sub: string | undefined;
  /** When the token stops being accepted (exp plus the clock tolerance), epoch milliseconds. */
  expiresAt: number;
}

/** Tolerated clock skew between the minting machine and this one (applied to `expiresAt` too). */
const CLOCK_TOLERANCE_S = 2;

/**
 * Verifies a gateway token: HS256 only, signed by one of the keys, right audience and
 * issuer, an `exp` in the future, and an `orgs` claim. Throws an {@link AuthError} naming
 * the reason; the token itself never appears in a message.
 */
export async function verifyToken(keys: TokenKeys, token: string | undefined): Promise<Principal> {
  if (token === undefined || token === '')
    throw new AuthError(AuthFailure.missing, 'a bearer token is required');
  const payload = await verifyWithKeys(keys, token);
  const claims = TokenClaims.safeParse(payload);
  if (!claims.success || typeof payload.exp !== 'number') {
    throw new AuthError(AuthFailure.claims, 'the token must carry orgs (a non-empty list) and exp');
  }
  return {
    orgs: new Set(claims.data.orgs),
    sub: claims.data.sub,
    expiresAt: (payload.exp + CLOCK_TOLERANCE_S) * 1000,
  };
}

async function verifyWithKeys(keys: TokenKeys, token: string): Promise<JWTPayload> {
  // A known kid selects its key; a token without one (or with a retired one) tries each key.
  const kid = peekKid(token);
  const byKid = kid === undefined ? undefined : keys.keys.find((k) => k.kid === kid);
  const candidates: readonly TokenKey[] = byKid ? [byKid] : keys.keys;
  let last: unknown;
  for (const candidate of candidates) {
    try {
      const { payload } = await jwtVerify(token, candidate.key, {
        algorithms: ['HS256'],
        audience: keys.audience,
        issuer: keys.issuer,
        requiredClaims: ['exp'],
        clockTolerance: CLOCK_TOLERANCE_S,
      });
      return payload;
    } catch (err) {
      last = err;
      if (!(err instanceof errors.JWSSignatureVerificationFailed)) break;
    }
  }
  throw toAuthError(last);
}

function peekKid(token: string): string | undefined {
  const header = token.split('.', 1)[0];
  if (header === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    const kid = (parsed as { kid?: unknown } | null)?.kid;
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}

function toAuthError(err: unknown): AuthError {
  if (err instanceof errors.JWTExpired)
    return new AuthError(AuthFailure.expired, 'the token has expired', { cause: err });
  if (err instanceof errors.JWSSignatureVerificationFailed) {
    return new AuthError(AuthFailure.forged, 'the token signature does not verify', { cause: err });
  }
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud')
      return new AuthError(AuthFailure.audience, 'the token is for another audience', {
        cause: err,
      });
    if (err.claim === 'iss')
      return new AuthError(AuthFailure.issuer, 'the token is from another issuer', { cause: err });
    return new AuthError(AuthFailure.claims, `the token's ${err.claim} claim is not acceptable`, {
      cause: err,
    });
  }
  return new AuthError(AuthFailure.malformed, 'the token is not a valid HS256 JWT', { cause: err });
}
