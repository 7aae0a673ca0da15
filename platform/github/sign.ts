import { createHmac } from 'node:crypto';

/** `sha256=<hex>` HMAC of a body, as GitHub signs it. */
export function signBody(secret: string, body: string | Uint8Array): string {
  return 'sha256=' + createHmac('sha256', secret).update(body).digest('hex');
}
