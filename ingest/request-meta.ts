import type { HttpRequest } from 'uWebSockets.js';
import { GithubHeaders } from '../schemas/streams.ts';

/** What ingest needs from a request, copied synchronously (uWS frees `req` after the handler returns). */
export interface RequestMeta {
  contentType: string;
  contentLength: number | undefined;
  event: string;
  delivery: string;
  signature: string;
  /** GitHub headers under their stored names. */
  githubHeaders: Record<string, string>;
  /** Set when Content-Length came more than once (uWS frames the body by the first). */
  repeatedContentLength?: true;
}

export function readRequestMeta(req: HttpRequest): RequestMeta {
  const githubHeaders: Record<string, string> = {};
  for (const [name, stored] of Object.entries(GithubHeaders)) {
    const value = req.getHeader(name);
    if (value) githubHeaders[stored] = value;
  }
  const length = req.getHeader('content-length');
  let lengths = 0;
  req.forEach((name) => {
    if (name === 'content-length') lengths++;
  });
  return {
    ...(lengths > 1 ? { repeatedContentLength: true as const } : {}),
    contentType: req.getHeader('content-type'),
    contentLength: length === '' ? undefined : Number(length),
    event: req.getHeader('x-github-event'),
    delivery: req.getHeader('x-github-delivery'),
    signature: req.getHeader('x-hub-signature-256'),
    githubHeaders,
  };
}
