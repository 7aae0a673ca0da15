import { JetStreamApiError } from '@nats-io/jetstream';
import { InvalidArgumentError, InvalidSubjectError } from '@nats-io/nats-core';
import { TeamPulseError } from '../errors.ts';

/**
 * A delivery the log refuses because of its content (a header value, the subject, the
 * size), not because the log is unreachable: retrying it cannot help, so ingest answers a
 * 4xx naming `field` instead of a 503 that GitHub would redeliver forever.
 */
export class LogEntryRejectedError extends TeamPulseError {
  override name = 'LogEntryRejectedError';
  readonly field: string;
  constructor(field: string, problem: string, options?: { cause?: unknown }) {
    super('log_entry_rejected', `${field} ${problem}`, options);
    this.field = field;
  }
}

/** JetStream's "message size exceeds maximum allowed" (the stream's max_msg_size). */
const JS_MESSAGE_TOO_LARGE = 10054;

/**
 * Sorts an error thrown while appending: a refusal caused by the message's content
 * becomes a {@link LogEntryRejectedError}; anything else (connection closed, timeout,
 * no JetStream, stream errors) is returned as is and means "log unavailable".
 */
export function classifyAppendError(err: unknown): unknown {
  if (err instanceof LogEntryRejectedError) return err;
  if (err instanceof InvalidSubjectError)
    return new LogEntryRejectedError('subject', 'is not a valid NATS subject', { cause: err });
  if (err instanceof InvalidArgumentError) {
    // nats-core names the property in quotes: 'header' (a value with CR/LF) or 'payload' (size).
    const field = /'payload'/.test(err.message)
      ? 'size'
      : /'header'/.test(err.message)
        ? 'header'
        : undefined;
    if (field)
      return new LogEntryRejectedError(field, `refused by NATS: ${err.message}`, { cause: err });
  }
  if (err instanceof JetStreamApiError && err.code === JS_MESSAGE_TOO_LARGE)
    return new LogEntryRejectedError('size', `refused by JetStream: ${err.message}`, {
      cause: err,
    });
  return err;
}
