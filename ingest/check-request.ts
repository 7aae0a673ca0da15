import {
  HEADER_CONTROL_CHARS,
  SIGNATURE_PATTERN,
  WebhookHeaders,
} from '../schemas/github-headers.ts';
import { HttpError } from '../platform/http/http-error.ts';
import { IngestErrors } from './errors.ts';
import type { RequestMeta } from './request-meta.ts';

/**
 * Checks everything that can be checked before reading the body, so a bad request costs
 * no body read: media type, GitHub headers (and that the ones copied to the log hold no
 * control character), signature presence and format, size.
 */
export function checkRequest(meta: RequestMeta, maxBytes: number): void {
  const mediaType = meta.contentType.split(';', 1)[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') throw IngestErrors.unsupportedMediaType(meta.contentType);
  const headers = WebhookHeaders.safeParse({
    'x-github-event': meta.event || undefined,
    'x-github-delivery': meta.delivery || undefined,
  });
  if (!headers.success)
    throw IngestErrors.badHeader(headers.error.issues.map((i) => i.message).join('; '));
  for (const [name, value] of Object.entries(meta.githubHeaders)) {
    if (HEADER_CONTROL_CHARS.test(value))
      throw IngestErrors.badHeader(`${name} holds a control character`);
  }
  if (!meta.signature) throw IngestErrors.missingSignature();
  if (!SIGNATURE_PATTERN.test(meta.signature)) throw IngestErrors.malformedSignature();
  // Two lengths mean two framings of the same bytes (RFC 9112 §6.3: an error): refuse.
  if (meta.repeatedContentLength) throw IngestErrors.badHeader('several Content-Length headers');
  if (meta.contentLength !== undefined && !(meta.contentLength >= 0)) {
    throw IngestErrors.badHeader('content-length is not a number');
  }
  if (meta.contentLength !== undefined && meta.contentLength > maxBytes) {
    throw new HttpError(413, 'payload_too_large', `body is larger than ${maxBytes} bytes`);
  }
}
