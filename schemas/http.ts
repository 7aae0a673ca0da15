import { z } from 'zod';

/** Every HTTP error answer of ingest and gateway: `{ error: { code, message } }`. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().describe('stable, machine-readable: switch on this'),
      message: z.string().describe('for people; 5xx messages stay generic'),
    }),
  })
  .describe('An HTTP error answer');
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Ingest's 200: the delivery is in the log (or already was). */
export const IngestAccepted = z
  .object({
    status: z
      .enum(['accepted', 'duplicate'])
      .describe('duplicate: the same delivery GUID was already appended inside the dedupe window'),
    seq: z.number().int().positive().describe('the sequence of the message in GITHUB'),
    subject: z.string().describe('github.<event>.<owner>.<repo>'),
  })
  .describe('The delivery is in the log');
export type IngestAccepted = z.infer<typeof IngestAccepted>;

/** `GET /healthz`: the process answers. */
export const HealthBody = z.object({ status: z.literal('ok') });
export type HealthBody = z.infer<typeof HealthBody>;

/** `GET /readyz`: 200 when every dependency is usable, 503 with the problems otherwise. */
export const ReadinessBody = z.object({ ready: z.boolean(), problems: z.array(z.string()) });
export type ReadinessBody = z.infer<typeof ReadinessBody>;
