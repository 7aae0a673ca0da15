import { HttpError } from '../platform/http/http-error.ts';

/** The exact answer ingest gives to each kind of bad request. */
export const IngestErrors = {
  unsupportedMediaType: (got: string) =>
    new HttpError(
      415,
      'unsupported_media_type',
      `content-type must be application/json, got ${got ? `"${got}"` : 'none'}`,
    ),
  badHeader: (message: string) => new HttpError(400, 'bad_header', message),
  missingSignature: () =>
    new HttpError(401, 'signature_missing', 'missing X-Hub-Signature-256 header'),
  malformedSignature: () =>
    new HttpError(401, 'signature_malformed', 'X-Hub-Signature-256 must be sha256=<64 hex digits>'),
  badSignature: () => new HttpError(401, 'signature_invalid', 'signature does not match the body'),
  notUtf8: () => new HttpError(400, 'body_not_utf8', 'body is not valid UTF-8'),
  malformedJson: (detail: string) =>
    new HttpError(400, 'malformed_json', `body is not valid JSON: ${detail}`),
  notAnObject: () => new HttpError(400, 'malformed_json', 'body must be a JSON object'),
  unroutable: (detail: string) => new HttpError(400, 'unroutable_event', detail),
  /** The log refuses the delivery for its content (see `LogEntryRejectedError`); redelivery cannot help. The message starts with the field. */
  invalidDelivery: (message: string, cause: unknown) =>
    new HttpError(400, 'invalid_delivery', `the event log cannot store this delivery: ${message}`, {
      cause,
    }),
  unavailable: (cause: unknown) =>
    new HttpError(
      503,
      'log_unavailable',
      'the event log cannot take the delivery now; redeliver it later',
      { cause },
    ),
  busy: () => new HttpError(503, 'overloaded', 'too many deliveries in flight; redeliver it later'),
} as const;
