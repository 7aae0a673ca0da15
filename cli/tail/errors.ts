import { TeamPulseError } from '../../platform/errors.ts';

/** A tail option is wrong: a bad filter, an unknown subject, a start that cannot be read. */
export class TailInputError extends TeamPulseError {
  override name = 'TailInputError';
  constructor(message: string) {
    super('tail_bad_input', message);
  }
}

/** The stream to read does not exist on this server. */
export class TailStreamMissingError extends TeamPulseError {
  override name = 'TailStreamMissingError';
  constructor(stream: string, cause?: unknown) {
    super(
      'tail_stream_missing',
      `stream ${stream} does not exist on this server (has TeamPulse run against it?)`,
      { cause },
    );
  }
}

/** The server refused: these credentials may not read what was asked. */
export class TailDeniedError extends TeamPulseError {
  override name = 'TailDeniedError';
  constructor(what: string, cause?: unknown) {
    super(
      'tail_denied',
      `permission denied: ${what} (check NATS_CREDS: the analyst role reads github.>, teampulse.updates.> and teampulse.alerts.>)`,
      { cause },
    );
  }
}
