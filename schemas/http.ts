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

/** Ingest's 202: the log was unavailable, so the delivery is fsynced in ingest's local spool. */
export const IngestSpooled = z
  .object({
    status: z.literal('spooled'),
    delivery: z
      .string()
      .describe('the delivery GUID, which becomes the Nats-Msg-Id once forwarded'),
  })
  .describe(
    'The delivery is on disk in the spool and will be appended, in order, once the log answers',
  );
export type IngestSpooled = z.infer<typeof IngestSpooled>;

/** `GET /healthz`: the process answers. */
export const HealthBody = z.object({ status: z.literal('ok') });
export type HealthBody = z.infer<typeof HealthBody>;

/** `GET /readyz`: 200 when every dependency is usable, 503 with the problems otherwise. */
export const ReadinessBody = z.object({
  ready: z.boolean(),
  problems: z.array(z.string()),
  notes: z
    .array(z.string())
    .optional()
    .describe('what is worth knowing but does not stop the role serving, e.g. ingest spooling'),
});
export type ReadinessBody = z.infer<typeof ReadinessBody>;
