import { z } from 'zod';

/**
 * What `teampulse.alerts.dlq` carries for each dead letter: where the message was in the
 * log, why it failed, and where its copy is in `DLQ`.
 */
export const DeadLetterAlert = z
  .object({
    type: z.literal('DEAD_LETTER'),
    originalSubject: z.string().describe('the log subject, github.<event>.<owner>.<repo>'),
    streamSeq: z.number().int().positive().describe('sequence of the message in GITHUB'),
    deliveryId: z.string().describe('the GitHub delivery GUID (X-GitHub-Delivery)'),
    errorCode: z.string(),
    error: z.string().max(1000).describe('one line, at most 1000 characters'),
    attempts: z.number().int().nonnegative(),
    dlqSeq: z.number().int().positive().describe('sequence of the copy in DLQ'),
    at: z.iso.datetime().describe('when it was dead-lettered'),
  })
  .describe('A log message was dead-lettered: copied to dlq.<original subject> and terminated');
export type DeadLetterAlert = z.infer<typeof DeadLetterAlert>;
