import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);

/** Bodies smaller than this go as they are: gzip would save little and cost a round of zlib. */
export const GZIP_MIN_BYTES = 1024;

/**
 * Serialises a JSON answer, gzipped when the request's `Accept-Encoding` allows it and the
 * body is worth it: `headers` then holds `content-encoding`. zlib runs on libuv's thread
 * pool, not on the event loop. (The caller's `Vary` must name `Accept-Encoding`.)
 */
export async function encodeJson(
  value: unknown,
  acceptEncoding: string,
): Promise<{ body: string | Buffer; headers: Record<string, string> }> {
  const text = JSON.stringify(value);
  if (text.length < GZIP_MIN_BYTES || !acceptsGzip(acceptEncoding)) {
    return { body: text, headers: {} };
  }
  return {
    body: await gzipAsync(text, { level: 6 }),
    headers: { 'content-encoding': 'gzip' },
  };
}

/** True when `Accept-Encoding` lists gzip without `q=0` (RFC 9110 §12.5.3). */
export function acceptsGzip(header: string): boolean {
  for (const part of header.toLowerCase().split(',')) {
    const [coding, ...params] = part.trim().split(';');
    if (coding?.trim() !== 'gzip' && coding?.trim() !== '*') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}
