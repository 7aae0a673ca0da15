import { z } from 'zod';

/**
 * Which log message(s) caused an update. `receivedAt` (ISO 8601): when ingest received the
 * delivery, so a consumer can tell how fresh the update is (absent from older producers).
 */
export const Lineage = z.object({
  streamSeq: z.number().int().positive(),
  deliveryId: z.string(),
  receivedAt: z.iso.datetime().optional(),
});
export type Lineage = z.infer<typeof Lineage>;

/** `COMMITS_UPDATED`, published on `teampulse.updates.<orgId>.<repoId>` after the read models are written. */
export const CommitsUpdated = z.object({
  type: z.literal('COMMITS_UPDATED'),
  orgId: z.string(),
  repoId: z.string(),
  payload: z
    .object({
      commitCount: z.number().int().nonnegative(),
      days: z.array(z.string()),
      lineage: z.array(Lineage),
    })
    .loose(),
});
export type CommitsUpdated = z.infer<typeof CommitsUpdated>;
