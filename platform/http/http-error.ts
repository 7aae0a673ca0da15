import { TeamPulseError } from '../errors.ts';

/** An error that is answered with an HTTP status and `{ error: { code, message } }`. */
export class HttpError extends TeamPulseError {
  override name = 'HttpError';
  readonly status: number;
  constructor(status: number, code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.status = status;
  }
}

const STATUS_TEXT: Record<number, string> = {
  200: '200 OK',
  202: '202 Accepted',
  204: '204 No Content',
  400: '400 Bad Request',
  401: '401 Unauthorized',
  403: '403 Forbidden',
  404: '404 Not Found',
  405: '405 Method Not Allowed',
  413: '413 Payload Too Large',
  415: '415 Unsupported Media Type',
  429: '429 Too Many Requests',
  500: '500 Internal Server Error',
  503: '503 Service Unavailable',
};

/** The status line uWS wants for a status code. */
export function statusLine(status: number): string {
  return STATUS_TEXT[status] ?? String(status);
}

/** The one place errors become HTTP answers: known ones keep their status, others are 500. */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  return new HttpError(500, 'internal', 'internal error', { cause: err });
}
