import { SignJWT } from 'jose';
import type { TokenKeys } from './token-keys.ts';

/** What a minted token grants. */
export interface TokenGrant {
  orgs: readonly string[];
  /** Seconds until it expires. */
  ttlSeconds: number;
  /** Who it was minted for (shown in logs as the socket's subject). */
  sub?: string;
}

/** Mints an HS256 gateway token with the first (current) key. */
export async function signToken(
  keys: TokenKeys,
  grant: TokenGrant,
  now = Date.now(),
): Promise<string> {
  const signer = keys.keys[0];
  if (!signer) throw new RangeError('no signing key');
  if (grant.orgs.length === 0) throw new RangeError('a token must name at least one org');
  if (!Number.isFinite(grant.ttlSeconds) || grant.ttlSeconds <= 0)
    throw new RangeError('ttl must be positive');
  const iat = Math.floor(now / 1000);
  const jwt = new SignJWT({ orgs: [...grant.orgs] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: signer.kid })
    .setIssuer(keys.issuer)
    .setAudience(keys.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + Math.ceil(grant.ttlSeconds));
  if (grant.sub !== undefined) jwt.setSubject(grant.sub);
  return jwt.sign(signer.key);
}
