/**
 * Named errors with a code and a cause. The code decides what happens next: an HTTP status
 * at the edge (`http-errors.ts`), or ack/nak/dead-letter in the projector.
 */
export class TeamPulseError extends Error {
  override name = 'TeamPulseError';
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Configuration is missing or invalid; the message names every offending variable. */
export class ConfigError extends TeamPulseError {
  override name = 'ConfigError';
  constructor(message: string) {
    super('config_invalid', message);
  }
}

/** An existing stream's configuration conflicts with what TeamPulse needs. */
export class StreamConfigConflictError extends TeamPulseError {
  override name = 'StreamConfigConflictError';
  constructor(stream: string, differences: string[]) {
    super(
      'stream_config_conflict',
      `stream ${stream} exists with a conflicting configuration (${differences.join('; ')}); ` +
        'update or delete it on purpose, e.g. with the nats CLI',
    );
  }
}
