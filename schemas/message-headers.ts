import { z } from 'zod';
import { SIGNATURE_PATTERN } from './github-headers.ts';
import { DlqHeaders, GithubHeaders, LogHeaders } from './streams.ts';

const Digits = z.string().regex(/^\d+$/);
const Instant = z.iso.datetime();

/** The GitHub request headers, kept on the log message under their stored names. */
const StoredGithubHeaders = z.object({
  [GithubHeaders['x-github-event']]: z.string().describe('the GitHub event name, e.g. push'),
  [GithubHeaders['x-github-delivery']]: z.string().describe('the delivery GUID'),
  [GithubHeaders['x-hub-signature-256']]: z.string().regex(SIGNATURE_PATTERN),
  [GithubHeaders['x-github-hook-id']]: z.string().optional(),
  [GithubHeaders['x-github-hook-installation-target-id']]: z.string().optional(),
  [GithubHeaders['x-github-hook-installation-target-type']]: z.string().optional(),
  [GithubHeaders['user-agent']]: z.string().optional(),
});

/**
 * Headers of a message in `GITHUB` (`github.<event>.<owner>.<repo>`), as ingest writes
 * them: the GitHub ones, the arrival time, CloudEvents binary-mode attributes, and, for
 * a body above the server's max_payload, the reference to it in the object store.
 */
export const LogMessageHeaders = StoredGithubHeaders.extend({
  [LogHeaders.msgId]: z
    .string()
    .describe('the delivery GUID: JetStream stores one message per delivery in its window'),
  [LogHeaders.receivedAt]: Instant.describe('when ingest received the delivery'),
  [LogHeaders.ceSpecVersion]: z.literal('1.0'),
  [LogHeaders.ceId]: z.string().describe('the delivery GUID'),
  [LogHeaders.ceType]: z
    .string()
    .regex(/^com\.github\.[a-z0-9_]+$/)
    .describe('com.github.<event>'),
  [LogHeaders.ceSource]: z
    .string()
    .regex(/^https:\/\/github\.com(\/[A-Za-z0-9\-._~!$&'()*+,;=:@%]+){0,2}$/)
    .describe(
      'https://github.com[/<owner>[/<repo>]], owner and repo as GitHub spells them, percent-encoded (encodeURIComponent): a URI-reference whatever the names hold',
    ),
  [LogHeaders.ceTime]: Instant.describe('the same instant as TeamPulse-Received-At'),
  [LogHeaders.ceDataContentType]: z.literal('application/json'),
  [LogHeaders.bodyRef]: z
    .string()
    .optional()
    .describe(
      'present when the body is above max_payload: the message body is empty and the whole body is the object of this name in the github-bodies object store',
    ),
  [LogHeaders.bodySize]: Digits.optional().describe('size in bytes of the referenced body'),
})
  .loose()
  .describe('Headers of a log message in GITHUB');
export type LogMessageHeaders = z.infer<typeof LogMessageHeaders>;

/**
 * Headers of a dead letter in `DLQ` (`dlq.<original subject>`): the original message's
 * headers (all of them but its `Nats-Msg-Id`, whatever it carried) plus why it failed.
 */
export const DeadLetterHeaders = LogMessageHeaders.partial()
  .extend({
    [LogHeaders.msgId]: z
      .string()
      .regex(/^GITHUB-\d+$/)
      .describe('GITHUB-<stream seq>: a message is dead-lettered once'),
    [DlqHeaders.originalSubject]: z.string().describe('the subject in GITHUB'),
    [DlqHeaders.streamSeq]: Digits.describe('the sequence in GITHUB'),
    [DlqHeaders.deliveryId]: z.string(),
    [DlqHeaders.error]: z.string().max(1000).describe('one line, at most 1000 characters'),
    [DlqHeaders.errorCode]: z.string(),
    [DlqHeaders.attempts]: Digits,
    [DlqHeaders.failedAt]: Instant,
  })
  .loose()
  .describe('Headers of a dead letter in DLQ');
export type DeadLetterHeaders = z.infer<typeof DeadLetterHeaders>;

/** Headers of a `COMMITS_UPDATED` message in `UPDATES`. */
export const UpdateHeaders = z
  .object({
    [LogHeaders.msgId]: z
      .string()
      .regex(/^[0-9a-f]{40}$/)
      .describe('sha1 of org, repo and the lineage sequences: a re-applied batch publishes once'),
  })
  .loose()
  .describe('Headers of an update in UPDATES');
export type UpdateHeaders = z.infer<typeof UpdateHeaders>;
