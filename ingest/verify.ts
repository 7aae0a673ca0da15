import { verify } from '@octokit/webhooks-methods';
import { SIGNATURE_PATTERN } from '../schemas/github-headers.ts';

/**
 * Checks `sha256=<hex>` against each secret with Octokit's constant-time `verify`.
 * The payload string is the fatal UTF-8 decoding of the raw bytes, so it maps one-to-one
 * to them: verifying it is verifying the bytes GitHub signed.
 */
export async function verifySignature(
  payload: string,
  signature: string,
  secrets: readonly string[],
): Promise<boolean> {
  if (!SIGNATURE_PATTERN.test(signature) || payload.length === 0) return false;
  for (const secret of secrets) {
    if (await verify(secret, payload, signature)) return true;
  }
  return false;
}
