import { z } from 'zod';

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

/** `sha256=<64 hex>`: the only signature format accepted. */
export const SIGNATURE_PATTERN = /^sha256=[0-9a-f]{64}$/;
