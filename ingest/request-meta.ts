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
}

export function readRequestMeta(req: HttpRequest): RequestMeta {
  const githubHeaders: Record<string, string> = {};
  for (const [name, stored] of Object.entries(GithubHeaders)) {
    const value = req.getHeader(name);
    if (value) githubHeaders[stored] = value;
  }
  const length = req.getHeader('content-length');
  return {
    contentType: req.getHeader('content-type'),
    contentLength: length === '' ? undefined : Number(length),
    event: req.getHeader('x-github-event'),
    delivery: req.getHeader('x-github-delivery'),
    signature: req.getHeader('x-hub-signature-256'),
    githubHeaders,
  };
}
