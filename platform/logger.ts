import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * The one logger factory. Secrets never reach a log line: the fields that could carry one
 * are redacted, and code logs delivery ids, never bodies or signatures.
 */
export function createLogger(
  opts: { level: string; role: string },
  destination?: DestinationStream,
): Logger {
  const options = {
    level: opts.level,
    base: { role: opts.role },
    redact: {
      paths: [
        'secret',
        'secrets',
        'token',
        'authorization',
        'headers.authorization',
        'headers["x-hub-signature-256"]',
        '*.secret',
        '*.token',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
