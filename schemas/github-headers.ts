import { z } from 'zod';

/** `sha256=<64 hex>`: the only signature format accepted. */
export const SIGNATURE_PATTERN = /^sha256=[0-9a-f]{64}$/;

/** The headers GitHub sends with every webhook delivery that ingest requires. */
export const WebhookHeaders = z.object({
  'x-github-event': z
    .string({ error: 'missing X-GitHub-Event header' })
    .regex(/^[a-z][a-z0-9_]{0,63}$/, 'X-GitHub-Event must be a GitHub event name'),
  'x-github-delivery': z
    .string({ error: 'missing X-GitHub-Delivery header' })
    .regex(/^[A-Za-z0-9-]{1,100}$/, 'X-GitHub-Delivery must be a delivery GUID'),
});
export type WebhookHeaders = z.infer<typeof WebhookHeaders>;

/**
 * Every header of a webhook request that ingest reads (the contract of
 * `POST /api/v1/webhooks/github`); the optional ones are copied onto the log message.
 */
export const WebhookRequestHeaders = WebhookHeaders.extend({
  'x-hub-signature-256': z
    .string()
    .regex(SIGNATURE_PATTERN)
    .describe('HMAC-SHA256 of the raw body with the webhook secret, sha256=<64 hex digits>'),
  'content-type': z
    .string()
    .regex(/^application\/json\s*(;.*)?$/i)
    .describe('application/json (a form-encoded delivery is answered 415)'),
  'x-github-hook-id': z.string().optional(),
  'x-github-hook-installation-target-id': z.string().optional(),
  'x-github-hook-installation-target-type': z.string().optional(),
  'user-agent': z.string().optional(),
}).describe('Headers of a GitHub webhook delivery');
export type WebhookRequestHeaders = z.infer<typeof WebhookRequestHeaders>;

/**
 * Characters a header value copied onto a log message must not hold: control characters
 * other than HTAB (RFC 9110). NATS refuses CR/LF outright; the rest would be stored and
 * handed to every reader.
 */
// eslint-disable-next-line no-control-regex
export const HEADER_CONTROL_CHARS = /[\u0000-\u0008\u000a-\u001f\u007f]/u;
