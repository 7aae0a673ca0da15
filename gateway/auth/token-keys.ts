import { createHash } from 'node:crypto';
import { ConfigError } from '../../platform/errors.ts';

/** HS256 wants a key at least as long as its output (RFC 7518 §3.2). */
export const MIN_SECRET_LENGTH = 32;

/** One HS256 key and the `kid` that names it in token headers. */
export interface TokenKey {
  kid: string;
  key: Uint8Array;
}

/** What signs and verifies gateway tokens: the first key signs, every key verifies (rotation). */
export interface TokenKeys {
  keys: readonly TokenKey[];
  audience: string;
  issuer: string;
}

/**
 * Builds the keys from the configured secrets. The `kid` is a short hash of the secret, so a
 * verifier picks the right key at once instead of trying each; it reveals nothing a token's
 * own HMAC does not already expose to an offline guesser.
 */
export function tokenKeys(secrets: readonly string[], audience: string, issuer: string): TokenKeys {
  if (secrets.length === 0)
    throw new ConfigError('invalid configuration: GATEWAY_JWT_SECRETS: required');
  const keys = secrets.map((secret, i) => {
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new ConfigError(
        `invalid configuration: GATEWAY_JWT_SECRETS: secret #${i + 1} is shorter than ${MIN_SECRET_LENGTH} characters`,
      );
    }
    const kid = createHash('sha256')
      .update(`teampulse-gateway-kid:${secret}`)
      .digest('base64url')
      .slice(0, 12);
    return { kid, key: new TextEncoder().encode(secret) };
  });
  return { keys, audience, issuer };
}
