import type { HttpResponse } from 'uWebSockets.js';
import { HttpError } from './http-error.ts';

/**
 * Reads a request body of at most `limit` bytes. With a Content-Length the buffer is
 * allocated once and each chunk copied in (uWS reuses its chunk memory, so it must be
 * copied before the callback returns). Over the limit it rejects at once with a 413
 * without reading further; the caller answers and closes the connection.
 * `whenAborted` (e.g. `Reply#whenAborted`) makes it reject when the client goes away
 * before the last byte; without it such a read never settles and its buffer is never freed.
 */
export function readBody(
  res: HttpResponse,
  limit: number,
  contentLength: number | undefined,
  whenAborted?: (f: () => void) => void,
): Promise<Buffer> {
  if (contentLength !== undefined && contentLength > limit) {
    return Promise.reject(tooLarge(limit));
  }
  return new Promise((resolve, reject) => {
    let buf = Buffer.allocUnsafe(contentLength ?? Math.min(64 * 1024, limit));
    let length = 0;
    let failed = false;
    whenAborted?.(() => {
      if (failed) return;
      failed = true;
      buf = Buffer.alloc(0);
      reject(new HttpError(400, 'aborted', 'the client went away before the body ended'));
    });
    res.onData((chunk, isLast) => {
      if (failed) return;
      const view = new Uint8Array(chunk);
      if (length + view.byteLength > limit) {
        failed = true;
        reject(tooLarge(limit));
        return;
      }
      if (length + view.byteLength > buf.length) {
        const grown = Buffer.allocUnsafe(
          Math.min(limit, Math.max(buf.length * 2, length + view.byteLength)),
        );
        buf.copy(grown, 0, 0, length);
        buf = grown;
      }
      buf.set(view, length);
      length += view.byteLength;
      if (isLast) resolve(length === buf.length ? buf : buf.subarray(0, length));
    });
  });
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'payload_too_large', `body is larger than ${limit} bytes`);
}
